import type { Marketplace } from '../../domain/connection/connection';
import type { MarketplaceAccounts } from '../../infra/marketplace-accounts';
import type { CredentialStore } from '../../infra/marketplace-credentials';
import type { OAuthStates } from '../../infra/oauth-states';
import type { MarketplaceAuth } from '../../shared/marketplace-auth';
import type { PlanLimits } from '../../shared/plan-limits';
import type { CommandDeps } from '../command';

/** What connecting a marketplace takes: the write path, each marketplace's sign-in, consents in progress and the token store. */
export type ConnectionDeps = CommandDeps & {
  auth: Partial<Record<Marketplace, MarketplaceAuth>>;
  states: OAuthStates;
  credentials: CredentialStore;
  /** Which tenant a marketplace's notifications about this account go to. */
  accounts: Pick<MarketplaceAccounts, 'link' | 'unlink'>;
  /** Origins a consent may send the seller back to (the CORS allowlist). */
  returnOrigins: readonly string[];
  /** The plan's marketplace cap, checked before the consent and before the code is exchanged. */
  limits: PlanLimits;
};
