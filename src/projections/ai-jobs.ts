/*
 * `ai_jobs` and `ai_job_items`: each bulk AI description request and the outcome for each of its
 * products, as the job's stream records them. Inline: a job is visible from the 202 that created
 * it. Items are finished once (the decider sees to it); counts move with them.
 */
import type { AiDescriptionJobCompleted, AiDescriptionJobItemFinished, AiDescriptionJobRequested } from '../domain/ai/generation';
import type { Projection } from '../engine/projection';

export const aiJobsProjection: Projection = {
  name: 'ai_jobs',
  consistency: 'inline',
  tables: ['ai_jobs', 'ai_job_items'],
  handles: ['AiDescriptionJobRequested', 'AiDescriptionJobItemFinished', 'AiDescriptionJobCompleted'],
  async apply(db, tables, events) {
    for (const e of events) {
      if (e.type === 'AiDescriptionJobRequested') {
        const d = e.data as AiDescriptionJobRequested['data'];
        await db.query(`insert into ${tables.ai_jobs} (job_id, options, total, status, requested_at) values ($1, $2, $3, 'running', $4) on conflict do nothing`, [d.job_id, JSON.stringify(d.options), d.product_ids.length, d.requested_at]);
        await db.query(
          `insert into ${tables.ai_job_items} (job_id, product_id, position, status) select $1, p.id, p.n - 1, 'pending' from unnest($2::uuid[]) with ordinality as p(id, n) on conflict do nothing`,
          [d.job_id, d.product_ids],
        );
      } else if (e.type === 'AiDescriptionJobItemFinished') {
        const d = e.data as AiDescriptionJobItemFinished['data'];
        const { rowCount } = await db.query(
          `update ${tables.ai_job_items} set status = $3, generation_id = $4, error_code = $5, error = $6, finished_at = $7 where job_id = $1 and product_id = $2 and status = 'pending'`,
          [d.job_id, d.product_id, d.status, d.generation_id, d.error_code, d.error, d.finished_at],
        );
        if (rowCount) await db.query(`update ${tables.ai_jobs} set ${d.status === 'succeeded' ? 'succeeded = succeeded + 1' : 'failed = failed + 1'} where job_id = $1`, [d.job_id]);
      } else {
        const d = e.data as AiDescriptionJobCompleted['data'];
        await db.query(`update ${tables.ai_jobs} set status = 'completed', completed_at = $2 where job_id = $1`, [d.job_id, d.completed_at]);
      }
    }
  },
};
