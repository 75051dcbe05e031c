/*
 * Choosing a connection's publishing settings (PUT …/settings) and disconnecting (DELETE). The
 * settings are checked against the options the marketplace lists now, read with the seller's
 * own token, so an id deleted on eBay since the connection cannot be chosen.
 */
import { z } from 'zod';
import { MARKETPLACES, type Marketplace } from '../../domain/connection/connection';
import type { AnyRoute } from '../../http/route';
import { GrantRefusedError, type NewLocation } from '../../shared/marketplace-auth';
import { MarketplaceCallError } from '../../shared/marketplace-errors';
import { DomainRuleError, NotFoundError, UpstreamError } from '../../shared/errors';
import { type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import { oauthOf } from './connect-marketplace';
import type { ConnectionDeps } from './deps';
import { runConnectionCommand } from './record-connection';
import { loadConnection } from '../listings/load';

/** The settings each marketplace takes, as chosen in PUT …/settings. */
export const SETTING_KEYS: Partial<Record<Marketplace, readonly string[]>> = {
  ebay: ['fulfillment_policy_id', 'payment_policy_id', 'return_policy_id', 'merchant_location_key'],
  etsy: ['shipping_profile_id', 'return_policy_id', 'readiness_state_id'],
};

const id = z.string().trim().min(1).max(100);
const line = (max: number) => z.string().trim().min(1).max(max);
/** A place to ship from, made on eBay and chosen (eBay's location fields and their limits). */
const newLocation = z
  .object({
    name: line(1000),
    address_line1: line(128),
    city: line(128),
    postal_code: line(16),
    country: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code'),
    state_or_province: line(128).optional(),
  })
  .strict();
export const settingsBody = z
  .object({
    fulfillment_policy_id: id.optional(),
    payment_policy_id: id.optional(),
    return_policy_id: id.optional(),
    merchant_location_key: id.optional(),
    new_location: newLocation.optional(),
    shipping_profile_id: id.optional(),
    readiness_state_id: id.optional(),
  })
  .strict()
  .refine((b) => !(b.new_location && b.merchant_location_key), { message: 'choose merchant_location_key or create new_location, not both', path: ['new_location'] });

export async function chooseSettings(deps: ConnectionDeps, tenant: number, marketplace: Marketplace, chosen: Record<string, string>, metadata: CommandMetadata, newLocation?: NewLocation) {
  const auth = oauthOf(deps, marketplace);
  const allowed = SETTING_KEYS[marketplace] ?? [];
  const foreign = Object.keys(chosen).filter((k) => !allowed.includes(k));
  if (foreign.length > 0) throw new DomainRuleError(`${foreign[0]} is not a ${marketplace} setting (${allowed.join(', ')})`, 'unknown_setting', foreign[0]);
  if (newLocation && !auth.createLocation) throw new DomainRuleError(`A location cannot be created on ${marketplace}`, 'unknown_setting', 'new_location');
  const settings = { ...chosen };
  let options;
  try {
    const token = await deps.credentials.accessToken(tenant, marketplace);
    // Made first, then chosen among the options listed after it, like any other location.
    if (newLocation) settings.merchant_location_key = await auth.createLocation!(token, newLocation);
    // Read on the site the account was connected for.
    const { state: connection } = await loadConnection(deps.store, tenant, marketplace);
    options = (await auth.describe(token, connection.site)).options;
  } catch (err) {
    if (err instanceof MarketplaceCallError && !err.retryable && newLocation) throw new DomainRuleError(`${marketplace} refused the location: ${err.message}`, 'location_refused', 'new_location');
    if (err instanceof GrantRefusedError) throw new DomainRuleError(`${marketplace} refused Stoflow's access: connect it again`, 'marketplace_revoked', 'marketplace');
    if (err instanceof Error && err.name === 'NotConnectedError') throw new NotFoundError(`${marketplace} is not connected`, 'marketplace_not_connected');
    throw new UpstreamError(`${marketplace} could not list the account's options: ${err instanceof Error ? err.message : String(err)}`);
  }
  await deps.credentials.recordCall(tenant, marketplace);
  const outcome = await runConnectionCommand(deps, tenant, { type: 'ChooseSettings', marketplace, settings, options, now: deps.clock.now() }, metadata);
  return { marketplace, settings: outcome.state.settings, options: outcome.state.options };
}

/** Tokens destroyed first, then the disconnection recorded; listings stay, as history (a reactor marks them disconnected). */
export async function disconnectMarketplace(deps: ConnectionDeps, tenant: number, marketplace: Marketplace, metadata: CommandMetadata): Promise<void> {
  await deps.credentials.remove(tenant, marketplace);
  await deps.accounts.unlink(marketplace, tenant);
  await runConnectionCommand(deps, tenant, { type: 'Disconnect', marketplace, now: deps.clock.now() }, metadata);
}

const params = z.object({ marketplace: z.enum(MARKETPLACES) }).strict();

export function manageConnectionRoutes(deps: ConnectionDeps): AnyRoute[] {
  return [
    commandRoute({
      method: 'put',
      path: '/api/integrations/{marketplace}/settings',
      summary: "Choose the connection's publishing settings (eBay policies and location, or a new location made there; Etsy profiles)",
      tags: ['Integrations'],
      params,
      body: settingsBody,
      responses: {
        200: { description: 'The settings now in force, and the options they were chosen from' },
        404: { description: 'The marketplace is not connected' },
        422: { description: 'An id is not among the account’s options, or not a setting of this marketplace' },
        502: { description: 'The marketplace could not list the options' },
      },
      handle: async ({ params: p, body, auth }, metadata) => {
        const { new_location: newLocation, ...ids } = body;
        const chosen = Object.fromEntries(Object.entries(ids).filter((e): e is [string, string] => e[1] !== undefined));
        return { status: 200, body: await chooseSettings(deps, auth.tenantId, p.marketplace, chosen, metadata, newLocation) };
      },
    }),
    commandRoute({
      method: 'delete',
      path: '/api/integrations/{marketplace}',
      summary: 'Disconnect: the tokens are destroyed; its listings stay as history, disconnected',
      tags: ['Integrations'],
      params,
      responses: { 204: { description: 'Disconnected (also when it was not connected)' } },
      handle: async ({ params: p, auth }, metadata) => {
        await disconnectMarketplace(deps, auth.tenantId, p.marketplace, metadata);
        return { status: 204 };
      },
    }),
  ];
}
