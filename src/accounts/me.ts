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
  }),
  subscription: z.object({ plan: z.string(), status: z.string(), limits: z.record(z.string(), z.number()) }).nullable(),
});

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
  plan: string | null;
  subscription_status: string | null;
  limits: Record<string, number> | null;
}

export async function getMe(db: Queryable, userId: string, tenantId: number): Promise<Me> {
  const { rows } = await db.query<MeRow>(
    `select u.id, u.email, u.full_name, u.role, t.id as tenant_id, t.business_name, t.account_type, t.business_type,
            t.estimated_products, s.plan, s.status as subscription_status, s.limits
       from public.users u
       join public.tenants t on t.id = u.tenant_id
       left join public.subscriptions s on s.tenant_id = t.id
      where u.id = $1 and u.tenant_id = $2`,
    [userId, tenantId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('User not found', 'user_not_found');
  return {
    user: { id: row.id, email: row.email, full_name: row.full_name, role: row.role },
    tenant: { id: row.tenant_id, business_name: row.business_name, account_type: row.account_type, business_type: row.business_type, estimated_products: row.estimated_products },
    subscription: row.plan === null ? null : { plan: row.plan, status: row.subscription_status ?? 'active', limits: row.limits ?? {} },
  };
}

/** GET /api/auth/me */
export function meRoute(db: Queryable) {
  return defineRoute({
    method: 'get',
    path: '/api/auth/me',
    summary: 'The signed-in user, their tenant and its subscription',
    tags: ['Accounts'],
    responses: {
      200: { description: 'Who is signed in', schema: meSchema },
      401: { description: 'No valid access token' },
    },
    handle: async ({ auth }) => ({ status: 200, body: await getMe(db, auth.userId, auth.tenantId) }),
  });
}
