/*
 * `ai_generations_log`: one row per AI description generation, succeeded or failed, as its event
 * says. Inline, so a generation is listed as soon as the request that made it has answered.
 * Keyed by the generation id: an event offered again writes nothing new.
 */
import type { AiDescriptionFailed, AiDescriptionGenerated } from '../domain/ai/generation';
import type { Projection } from '../engine/projection';

export const aiGenerationsProjection: Projection = {
  name: 'ai_generations_log',
  consistency: 'inline',
  tables: ['ai_generations_log'],
  handles: ['AiDescriptionGenerated', 'AiDescriptionFailed'],
  async apply(db, tables, events) {
    for (const e of events) {
      const ok = e.type === 'AiDescriptionGenerated';
      const d = e.data as AiDescriptionGenerated['data'] & Partial<AiDescriptionFailed['data']>;
      await db.query(
        `insert into ${tables.ai_generations_log} (generation_id, product_id, product_version, job_id, provider, model, language, options, status, error_code, error,
           input_tokens, output_tokens, cost_estimate_usd, latency_ms, attempts, images_sent, credits_charged, applied, applied_version, listing, created_at, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
         on conflict (generation_id) do nothing`,
        [
          d.generation_id,
          d.product_id,
          d.product_version,
          d.job_id,
          d.provider,
          d.model,
          ok ? d.language : d.options.language,
          JSON.stringify(d.options),
          ok ? 'succeeded' : 'failed',
          d.error_code ?? null,
          d.error ?? null,
          d.usage.input_tokens,
          d.usage.output_tokens,
          d.cost_estimate_usd,
          d.latency_ms,
          d.attempts,
          d.images_sent,
          ok ? d.credits_charged : 0,
          ok ? d.applied : false,
          ok ? d.applied_version : null,
          ok ? JSON.stringify(d.listing) : null,
          ok ? d.generated_at : d.failed_at,
          e.position.toString(),
        ],
      );
    }
  },
};
