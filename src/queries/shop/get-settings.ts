/*
 * GET /api/shop/settings: the shop's settings as the `shop_settings` read model holds them (the
 * default zone until the seller chooses one). The ETag is the `shop` stream's version, for a
 * PATCH with If-Match.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';
import { ANALYTICS_CURRENCY, ANALYTICS_TIME_ZONE } from '../../shared/analytics';
import { etagOf } from '../../shared/product-fields';
import { shopSettingsSchema, type ShopSettingsDto } from '../../shared/shop-settings';

export async function getShopSettings({ db, tenancy }: TenantDb, tenant: number): Promise<ShopSettingsDto & { version: number }> {
  const { rows } = await db.of(tenant).query<{ time_zone: string; version: number }>(`select time_zone, version from ${tenancy.table(tenant, 'shop_settings')}`);
  const row = rows[0];
  return { time_zone: row?.time_zone ?? ANALYTICS_TIME_ZONE, currency: ANALYTICS_CURRENCY, version: row?.version ?? 0 };
}

export const getShopSettingsRoute = (deps: TenantDb) =>
  defineRoute({
    method: 'get',
    path: '/api/shop/settings',
    summary: 'The shop’s settings: the time zone its analytics count days in, and its currency',
    tags: ['Shop'],
    query: z.object({}).strict(),
    responses: { 200: { description: 'The settings; ETag holds their version', schema: shopSettingsSchema } },
    handle: async ({ auth }) => {
      const { version, ...settings } = await getShopSettings(deps, auth.tenantId);
      return { status: 200, body: settings, headers: { ETag: etagOf(version) } };
    },
  });
