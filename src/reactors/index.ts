/* Every reactor, built with the effects it needs: the pool, time, ids and the command handlers. */
import type { CommandHandlers } from '../commands/handlers';
import type { Reactor } from '../engine/reactor';
import type { Clock, IdGenerator } from '../infra/clock';
import type { Connections } from '../infra/db/postgres';
import type { Tenancy } from '../infra/db/tenancy';
import type { TenantPools } from '../infra/db/tenant-pools';
import type { ListingWorkDeps } from '../commands/listings/deps';
import type { SyncDeps } from '../commands/sync/deps';
import type { NotificationDeps } from '../commands/connections/subscribe-notifications';
import type { AiDescriptionDeps } from '../commands/ai/deps';
import { aiDescriptionsReactor } from './ai-descriptions';
import { disconnectedListingsReactor } from './disconnected-listings';
import { marketplaceNotificationsReactor } from './marketplace-notifications';
import { marketplaceOrdersReactor } from './marketplace-orders';
import { publishListingsReactor } from './publish-listings';
import { stockDepletedReactor } from './stock-depleted';
import { updateListingsReactor } from './update-listings';

export interface ReactorDeps {
  /** Each tenant's work goes to its own connections (a plain pool: any connection). */
  pool: Connections | TenantPools;
  tenancy: Tenancy;
  clock: Clock;
  ids: IdGenerator;
  /** What a reactor may decide to do next: the same handlers the API calls. */
  commands: CommandHandlers;
  /** Publishing and delisting on the marketplaces. */
  listings: ListingWorkDeps;
  /** Turning the orders marketplaces report into sales. */
  sync: SyncDeps;
  /** Asking marketplaces to push a connected account's sales. */
  notifications: NotificationDeps;
  /** Writing the listings of bulk AI description jobs (absent: no such reactor). */
  ai?: AiDescriptionDeps & { concurrency: number };
}

export function buildReactors(deps: ReactorDeps): Reactor[] {
  // Each runs in a lane of its own; with a store that cannot project inline they run in turn, in
  // this order: a sale's way to the delists first.
  return [
    marketplaceOrdersReactor(deps.sync),
    updateListingsReactor(deps.listings),
    stockDepletedReactor(deps),
    publishListingsReactor(deps.listings),
    disconnectedListingsReactor(deps),
    marketplaceNotificationsReactor(deps.notifications),
    ...(deps.ai ? [aiDescriptionsReactor(deps.ai)] : []),
  ];
}
