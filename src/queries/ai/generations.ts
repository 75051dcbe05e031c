/*
 * GET /api/ai/generations: every AI description generation, newest first (the
 * `ai_generations_log` read model) — provider, model, tokens in and out, estimated cost,
 * latency, success or error, the product and the version it was written from.
 */
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { TenantDb } from '../../infra/db/tenancy';

const generationSchema = z.object({
  generation_id: z.string(),
  product_id: z.string(),
  product_version: z.number().int(),
  job_id: z.string().nullable(),
  provider: z.string(),
  model: z.string(),
  language: z.string(),
  options: z.record(z.string(), z.unknown()),
  status: z.enum(['succeeded', 'failed']),
  error_code: z.string().nullable(),
  error: z.string().nullable(),
  usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }),
  cost_estimate_usd: z.number(),
  latency_ms: z.number().int(),
  attempts: z.number().int(),
  images_sent: z.number().int(),
  credits_charged: z.number().int(),
  applied: z.boolean(),
  applied_version: z.number().int().nullable(),
  listing: z.object({ title: z.string(), description: z.string(), tags: z.array(z.string()), bullet_points: z.array(z.string()) }).nullable(),
  created_at: z.string(),
});

const query = z
  .object({
    product_id: z.uuid().optional(),
    status: z.enum(['succeeded', 'failed']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

interface Row {
  generation_id: string;
  product_id: string;
  product_version: number;
  job_id: string | null;
  provider: string;
  model: string;
  language: string;
  options: Record<string, unknown>;
  status: 'succeeded' | 'failed';
  error_code: string | null;
  error: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_estimate_usd: string;
  latency_ms: number;
  attempts: number;
  images_sent: number;
  credits_charged: number;
  applied: boolean;
  applied_version: number | null;
  listing: z.infer<typeof generationSchema>['listing'];
  created_at: Date;
}

export function aiGenerationRoutes({ db, tenancy }: TenantDb) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/ai/generations',
      summary: 'Every AI description generation, newest first: provider, model, tokens, cost estimate, latency, outcome',
      tags: ['AI'],
      query,
      responses: { 200: { description: 'A page of generations', schema: z.object({ items: z.array(generationSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }) } },
      handle: async ({ auth, query: q }) => {
        const table = tenancy.table(auth.tenantId, 'ai_generations_log');
        const where = 'where ($1::uuid is null or product_id = $1) and ($2::text is null or status = $2)';
        const pool = db.of(auth.tenantId);
        const { rows } = await pool.query<Row>(`select * from ${table} ${where} order by created_at desc, position desc limit $3 offset $4`, [q.product_id ?? null, q.status ?? null, q.limit, q.offset]);
        const total = (await pool.query<{ n: number }>(`select count(*)::int as n from ${table} ${where}`, [q.product_id ?? null, q.status ?? null])).rows[0]!.n;
        const items = rows.map((r) => ({
          generation_id: r.generation_id,
          product_id: r.product_id,
          product_version: r.product_version,
          job_id: r.job_id,
          provider: r.provider,
          model: r.model,
          language: r.language,
          options: r.options,
          status: r.status,
          error_code: r.error_code,
          error: r.error,
          usage: { input_tokens: r.input_tokens, output_tokens: r.output_tokens },
          cost_estimate_usd: Number(r.cost_estimate_usd),
          latency_ms: r.latency_ms,
          attempts: r.attempts,
          images_sent: r.images_sent,
          credits_charged: r.credits_charged,
          applied: r.applied,
          applied_version: r.applied_version,
          listing: r.listing,
          created_at: r.created_at.toISOString(),
        }));
        return { status: 200, body: { items, total, limit: q.limit, offset: q.offset } };
      },
    }),
  ];
}
