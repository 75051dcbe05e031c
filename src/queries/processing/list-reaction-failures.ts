import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';

const failureDto = z.object({
  reactor: z.string(),
  event_id: z.uuid(),
  event_type: z.string(),
  stream_id: z.string(),
  attempts: z.number(),
  status: z.enum(['retrying', 'dead', 'resolved']),
  last_error: z.string(),
  next_attempt_at: z.string().nullable(),
  first_failed_at: z.string(),
  updated_at: z.string(),
});

const query = z
  .object({
    status: z.enum(['retrying', 'dead', 'resolved']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

interface Row {
  reactor: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  attempts: number;
  status: 'retrying' | 'dead' | 'resolved';
  last_error: string;
  next_attempt_at: Date | null;
  first_failed_at: Date;
  updated_at: Date;
}

export async function listReactionFailures({ db, tenancy }: TenantDb, tenant: number, filter: z.output<typeof query>) {
  const { rows } = await db.of(tenant).query<Row>(
    `select reactor, event_id, event_type, stream_id, attempts, status, last_error, next_attempt_at, first_failed_at, updated_at
       from ${tenancy.table(tenant, 'reaction_failures')}
      where ($1::text is null or status = $1) order by updated_at desc limit $2`,
    [filter.status ?? null, filter.limit],
  );
  return {
    items: rows.map((r) => ({
      ...r,
      next_attempt_at: r.next_attempt_at?.toISOString() ?? null,
      first_failed_at: r.first_failed_at.toISOString(),
      updated_at: r.updated_at.toISOString(),
    })),
  };
}

/** Background work that failed: still retrying, or given up on (dead letters the seller should see). */
export const listReactionFailuresRoute = (deps: TenantDb) =>
  defineRoute({
    method: 'get',
    path: '/api/processing/failures',
    summary: 'List failed background reactions (retrying and dead letters)',
    tags: ['Processing'],
    query,
    responses: { 200: { description: 'Failures, most recent first', schema: z.object({ items: z.array(failureDto) }) } },
    handle: async ({ auth, query: q }) => ({ status: 200, body: await listReactionFailures(deps, auth.tenantId, q) }),
  });
