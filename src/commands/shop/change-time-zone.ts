/*
 * ChangeShopTimeZone: the seller chooses the zone the shop's days are counted in
 * (`PATCH /api/shop/settings`). Recorded on the tenant's `shop` stream; the analytics projection
 * re-buckets its days when it applies the event. The zone in force already changes nothing.
 */
import { z } from 'zod';
import { SHOP_STREAM, shopDecider } from '../../domain/shop/shop';
import { ANALYTICS_CURRENCY } from '../../shared/analytics';
import { ValidationError } from '../../shared/errors';
import { etagOf } from '../../shared/product-fields';
import { shopSettingsSchema } from '../../shared/shop-settings';
import { canonicalTimeZone } from '../../shared/time-zones';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';

export const shopSettingsBody = z
  .object({ time_zone: z.string().min(1).max(100).describe('IANA time zone (America/New_York, Europe/Paris, UTC), any case') })
  .strict();

export interface ShopSettingsOutcome {
  time_zone: string;
  currency: string;
  changed: boolean;
  version: number;
}

export async function changeShopTimeZone(deps: CommandDeps, tenant: number, input: { time_zone: string }, metadata: CommandMetadata): Promise<ShopSettingsOutcome> {
  const zone = canonicalTimeZone(input.time_zone);
  if (zone === null) throw new ValidationError([{ field: 'time_zone', message: 'must be an IANA time zone such as Europe/Paris, America/New_York or UTC' }], true, `${input.time_zone} is not a known time zone`);
  const outcome = await runCommand(deps, tenant, { stream: SHOP_STREAM, decider: shopDecider, command: { type: 'ChangeShopTimeZone', time_zone: zone, now: deps.clock.now() } }, metadata);
  return { time_zone: outcome.state.time_zone, currency: ANALYTICS_CURRENCY, changed: outcome.events.length > 0, version: outcome.version };
}

/** PATCH /api/shop/settings */
export function changeShopSettingsRoute(deps: CommandDeps) {
  return commandRoute({
    method: 'patch',
    path: '/api/shop/settings',
    summary: 'Change the shop’s settings: the time zone its analytics count days in (past days are re-counted)',
    tags: ['Shop'],
    body: shopSettingsBody,
    ifMatch: 'optional',
    responses: {
      200: { description: 'The settings as they are now; ETag holds their version', schema: shopSettingsSchema },
      400: { description: 'time_zone is missing or not a string, or another field is sent' },
      412: { description: 'The settings changed since the ETag sent in If-Match' },
      422: { description: 'time_zone is not a known IANA time zone' },
    },
    handle: async ({ body, auth }, metadata) => {
      const { time_zone, currency, version } = await changeShopTimeZone(deps, auth.tenantId, body, metadata);
      return { status: 200, body: { time_zone, currency }, headers: { ETag: etagOf(version) } };
    },
  });
}
