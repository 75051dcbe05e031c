/*
 * Writes the listings of a bulk AI description job: each product not finished yet goes through
 * the same handler as POST /api/products/{id}/ai-description, at most AI_JOB_CONCURRENCY at a
 * time in the process across all jobs, and its outcome (the generation, or the error) is
 * recorded on the job. A generation's id and its credit charge derive from the job and the product, so a redelivered job neither writes
 * twice nor charges twice. A product that fails is an outcome, not a failed reaction.
 */
import { aiJobDecider, aiJobStream, type AiDescriptionJobRequested, type AiJobEvent } from '../domain/ai/generation';
import type { Reactor } from '../engine/reactor';
import { AppError, UnavailableError } from '../shared/errors';
import { boundedConcurrency } from '../shared/bounded-concurrency';
import type { AiDescriptionDeps } from '../commands/ai/deps';
import { generateAiDescription } from '../commands/ai/generate-description';
import { completeAiDescriptionJob, finishAiDescriptionItem } from '../commands/ai/request-descriptions';

export function aiDescriptionsReactor(deps: AiDescriptionDeps & { concurrency: number }): Reactor {
  // One gate for the process, shared by every job of every tenant: AI_JOB_CONCURRENCY is what the
  // provider sees from this process, however many jobs run side by side. Turns go first come,
  // first served, so a big job does not shut a later small one out for long; none is refused.
  const gate = boundedConcurrency({ concurrency: deps.concurrency, queue: Number.MAX_SAFE_INTEGER, refuse: () => new UnavailableError('AI job queue full') });
  return {
    name: 'ai_descriptions',
    handles: ['AiDescriptionJobRequested'],
    concurrency: 2,
    async react(event, { tenant, metadata }) {
      const job = event.data as AiDescriptionJobRequested['data'];
      const history = await deps.store.readStream(tenant, aiJobStream(job.job_id));
      const state = history.reduce((s, e) => aiJobDecider.evolve(s, e as unknown as AiJobEvent), aiJobDecider.initialState);
      const pending = job.product_ids.filter((id) => !state?.finished.has(id));
      const { apply, ...options } = job.options;
      await Promise.all(
        pending.map((productId) =>
          gate.run(async () => {
            const seed = `ai-job:${job.job_id}:${productId}`;
            try {
              const result = await generateAiDescription(deps, tenant, { product_id: productId, job_id: job.job_id, options: { ...options, apply, marketplace: options.marketplace ?? undefined } }, { event: metadata, idSeed: seed });
              await finishAiDescriptionItem(deps, tenant, { job_id: job.job_id, product_id: productId, status: 'succeeded', generation_id: result.generation_id, error_code: null, error: null }, { event: metadata });
            } catch (err) {
              const known = err instanceof AppError;
              await finishAiDescriptionItem(
                deps,
                tenant,
                { job_id: job.job_id, product_id: productId, status: 'failed', generation_id: null, error_code: known ? err.code : 'internal_error', error: known ? err.message : 'An unexpected error occurred' },
                { event: metadata },
              );
            }
          }),
        ),
      );
      await completeAiDescriptionJob(deps, tenant, job.job_id, { event: metadata });
    },
  };
}
