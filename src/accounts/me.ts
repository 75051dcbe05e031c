import { z } from 'zod';
import { defineRoute } from '../http/route';
import type { Queryable } from '../infra/db/postgres';
import { NotFoundError } from '../shared/errors';
import { estimatedProductsOutput, type ProductBand } from './estimated-products';

export const meSchema = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), full_name: z.string(), role: z.string() }),
  tenant: z.object({
    id: z.number().int(),
    business_name: z.string().nullable(),
    account_type: z.enum(['individual', 'business']),
    business_type: z.string().nullable(),
    estimated_products: estimatedProductsOutput,
    time_zone: z.string().describe('IANA zone: the AI credits reset at the subscription anniversary in it'),
  }),
  subscription: z.object({ plan: z.string(), status: z.string(), limits: z.record(z.string(), z.number().nullable()) }).nullable(),
});

/** The tenant's plan in force (src/billing), as me shows it. */
export type SubscriptionSummary = (tenantId: number) => Promise<{ plan: string; status: string; limits: Record<string, number | null> }>;

export type Me = z.infer<typeof meSchema>;

interface MeRow {
  id: string;
  email: string;
  full_name: string;
  role: string;
  tenant_id: number;
  business_name: string | null;
  account_type: 'individual' | 'business';
  business_type: string | null;
  estimated_products: ProductBand | null;
  time_zone: string;
}

export async function getMe(db: Queryable, subscription: SubscriptionSummary, userId: string, tenantId: number): Promise<Me> {
  const { rows } = await db.query<MeRow>(
    `select u.id, u.email, u.full_name, u.role, t.id as tenant_id, t.business_name, t.account_type, t.business_type,
            t.estimated_products, t.time_zone
       from public.users u
       join public.tenants t on t.id = u.tenant_id
      where u.id = $1 and u.tenant_id = $2`,
    [userId, tenantId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('User not found', 'user_not_found');
  return {
    user: { id: row.id, email: row.email, full_name: row.full_name, role: row.role },
    tenant: { id: row.tenant_id, business_name: row.business_name, account_type: row.account_type, business_type: row.business_type, estimated_products: row.estimated_products, time_zone: row.time_zone },
    subscription: await subscription(row.tenant_id),
  };
}

/** GET /api/auth/me */
export function meRoute(db: Queryable, subscription: SubscriptionSummary) {
  return defineRoute({
    method: 'get',
    path: '/api/auth/me',
    summary: 'The signed-in user, their tenant and its subscription',
    tags: ['Accounts'],
    responses: {
      200: { description: 'Who is signed in', schema: meSchema },
      401: { description: 'No valid access token' },
    },
    handle: async ({ auth }) => ({ status: 200, body: await getMe(db, subscription, auth.userId, auth.tenantId) }),
  });
}
