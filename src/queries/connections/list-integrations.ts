/*
 * GET /api/integrations: every marketplace, connected or not, from the connections read model and
 * the token store's bookkeeping (expiry, last call); never the tokens themselves.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';

const MARKETPLACES = ['ebay', 'etsy', 'vinted'] as const;

export const integrationSchema = z.object({
  marketplace: z.enum(MARKETPLACES),
  status: z.enum(['connected', 'disconnected', 'expired', 'revoked']),
  /** Why it cannot be connected here, when the server lacks the marketplace's credentials. */
  unavailable: z.string().nullable(),
  account: z.object({ id: z.string(), name: z.string(), shop_id: z.string().nullable() }).nullable(),
  scopes: z.array(z.string()),
  site: z.string().nullable(),
  settings: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.array(z.object({ id: z.string(), name: z.string() }))),
  connected_at: z.string().nullable(),
  token_expires_at: z.string().nullable(),
  refresh_expires_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
  last_error: z.object({ at: z.string(), message: z.string() }).nullable(),
  status_reason: z.string().nullable(),
  /**
   * Whether the marketplace pushes this account's sales to Stoflow the moment they happen
   * (eBay's Notification API): `pending` until asked, `subscribed` with the topics, or
   * `unavailable` with why — sales are then found by the order poll alone. Null where Stoflow does
   * not subscribe account by account (Etsy: one webhook registered on Etsy's portal; Vinted: the
   * extension) or while disconnected.
   */
  notifications: z
    .object({ status: z.enum(['pending', 'subscribed', 'unavailable']), topics: z.array(z.string()), subscribed_at: z.string().nullable(), reason: z.string().nullable() })
    .nullable(),
});
export type Integration = z.infer<typeof integrationSchema>;

interface Row {
  marketplace: (typeof MARKETPLACES)[number];
  status: 'connected' | 'disconnected' | 'revoked';
  account_id: string | null;
  account_name: string | null;
  shop_id: string | null;
  scopes: string[];
  site: string | null;
  settings: Record<string, string>;
  options: Integration['options'];
  connected_at: Date | null;
  status_reason: string | null;
  access_expires_at: Date | null;
  refresh_token: boolean | null;
  refresh_expires_at: Date | null;
  last_success_at: Date | null;
  last_error: Integration['last_error'];
  notifications: { status: 'pending' | 'subscribed' | 'unavailable'; topics?: string[]; subscribed_at?: string; reason?: string } | null;
}

export async function listIntegrations({ db, tenancy }: TenantDb, tenant: number, unavailable: Partial<Record<string, string | null>>, now: Date): Promise<Integration[]> {
  const { rows } = await db.of(tenant).query<Row>(
    `select c.marketplace, c.status, c.account_id, c.account_name, c.shop_id, c.scopes, c.site, c.settings, c.options, c.connected_at, c.status_reason, c.notifications,
            k.access_expires_at, k.refresh_token is not null as refresh_token, k.refresh_expires_at, k.last_success_at, k.last_error
       from ${tenancy.table(tenant, 'marketplace_connections')} c
       left join ${tenancy.table(tenant, 'marketplace_credentials')} k on k.marketplace = c.marketplace`,
  );
  const byMarketplace = new Map(rows.map((r) => [r.marketplace, r]));
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return MARKETPLACES.map((marketplace) => {
    const r = byMarketplace.get(marketplace);
    const reason = unavailable[marketplace] ?? null;
    if (!r) {
      return { marketplace, status: 'disconnected', unavailable: reason, account: null, scopes: [], site: null, settings: {}, options: {}, connected_at: null, token_expires_at: null, refresh_expires_at: null, last_success_at: null, last_error: null, status_reason: null, notifications: null };
    }
    // Connected by the log, but the grant ran out: no refresh left, or the refresh token itself expired.
    const lapsed = r.status === 'connected' && r.access_expires_at !== null && ((r.refresh_expires_at !== null && r.refresh_expires_at <= now) || (!r.refresh_token && r.access_expires_at <= now));
    return {
      marketplace,
      status: lapsed ? 'expired' : r.status,
      unavailable: reason,
      account: r.account_id ? { id: r.account_id, name: r.account_name ?? r.account_id, shop_id: r.shop_id } : null,
      scopes: r.scopes,
      site: r.site,
      settings: r.settings,
      options: r.options,
      connected_at: iso(r.connected_at),
      token_expires_at: r.status === 'disconnected' ? null : iso(r.access_expires_at),
      refresh_expires_at: r.status === 'disconnected' ? null : iso(r.refresh_expires_at),
      last_success_at: iso(r.last_success_at),
      last_error: r.last_error,
      status_reason: r.status_reason,
      notifications:
        r.notifications && r.status === 'connected'
          ? { status: r.notifications.status, topics: r.notifications.topics ?? [], subscribed_at: r.notifications.subscribed_at ?? null, reason: r.notifications.reason ?? null }
          : null,
    };
  });
}

export function listIntegrationsRoute(deps: TenantDb & { unavailable: Partial<Record<string, string | null>>; now: () => Date }) {
  return defineRoute({
    method: 'get',
    path: '/api/integrations',
    summary: 'Every marketplace and its connection: status, account, settings, token expiry, last call',
    tags: ['Integrations'],
    responses: { 200: { description: 'One entry per marketplace', schema: z.object({ items: z.array(integrationSchema) }) } },
    handle: async ({ auth }) => ({ status: 200, body: { items: await listIntegrations(deps, auth.tenantId, deps.unavailable, deps.now()) } }),
  });
}

/** Whether the tenant's account on `marketplace` is connected and not yet pushed to Stoflow (the periodic check asks the marketplace again). */
export async function awaitingNotifications({ db, tenancy }: TenantDb, tenant: number, marketplace: string): Promise<boolean> {
  const { rows } = await db.of(tenant).query(
    `select 1 from ${tenancy.table(tenant, 'marketplace_connections')} where marketplace = $1 and status = 'connected' and notifications is not null and notifications->>'status' <> 'subscribed'`,
    [marketplace],
  );
  return rows.length > 0;
}
