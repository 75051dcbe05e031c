/* GET /api/ai/jobs/{id}: a bulk AI description job, and where each of its products stands. */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';
import { NotFoundError } from '../../shared/errors';

export const aiJobSchema = z.object({
  job_id: z.string(),
  status: z.enum(['running', 'completed']),
  options: z.record(z.string(), z.unknown()),
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  requested_at: z.string(),
  completed_at: z.string().nullable(),
  items: z.array(
    z.object({
      product_id: z.string(),
      status: z.enum(['pending', 'succeeded', 'failed']),
      generation_id: z.string().nullable(),
      error_code: z.string().nullable(),
      error: z.string().nullable(),
      finished_at: z.string().nullable(),
    }),
  ),
});

const params = z.object({ id: z.string() }).strict();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function aiJobRoutes({ db, tenancy }: TenantDb) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/ai/jobs/{id}',
      summary: 'A bulk AI description job: its progress, product by product',
      tags: ['AI'],
      params,
      responses: { 200: { description: 'The job', schema: aiJobSchema }, 404: { description: 'No such job for this account' } },
      handle: async ({ auth, params: p }) => {
        if (!UUID.test(p.id)) throw new NotFoundError('Job not found', 'job_not_found');
        const pool = db.of(auth.tenantId);
        const t = (name: string) => tenancy.table(auth.tenantId, name);
        const job = (
          await pool.query<{ job_id: string; status: 'running' | 'completed'; options: Record<string, unknown>; total: number; succeeded: number; failed: number; requested_at: Date; completed_at: Date | null }>(
            `select * from ${t('ai_jobs')} where job_id = $1`,
            [p.id],
          )
        ).rows[0];
        if (!job) throw new NotFoundError('Job not found', 'job_not_found');
        const { rows } = await pool.query<{ product_id: string; status: 'pending' | 'succeeded' | 'failed'; generation_id: string | null; error_code: string | null; error: string | null; finished_at: Date | null }>(
          `select product_id, status, generation_id, error_code, error, finished_at from ${t('ai_job_items')} where job_id = $1 order by position`,
          [p.id],
        );
        return {
          status: 200,
          body: {
            job_id: job.job_id,
            status: job.status,
            options: job.options,
            total: job.total,
            succeeded: job.succeeded,
            failed: job.failed,
            pending: job.total - job.succeeded - job.failed,
            requested_at: job.requested_at.toISOString(),
            completed_at: job.completed_at?.toISOString() ?? null,
            items: rows.map((r) => ({ ...r, finished_at: r.finished_at?.toISOString() ?? null })),
          },
        };
      },
    }),
  ];
}
