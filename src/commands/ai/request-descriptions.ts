/*
 * RequestAiDescriptions: up to 100 products at once, with the options of a single generation.
 * The job is recorded (`ai-job-<id>`) and answered 202; the AI descriptions reactor writes them at
 * a bounded concurrency, recording each product's outcome on the job, which
 * GET /api/ai/jobs/{id} shows. FinishAiDescriptionItem and CompleteAiDescriptionJob are the
 * reactor's commands.
 */
import { z } from 'zod';
import { aiJobDecider, aiJobStream, type AiJobItemStatus } from '../../domain/ai/generation';
import { ValidationError } from '../../shared/errors';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { commandRoute } from '../command-route';
import type { AiDescriptionDeps } from './deps';
import { aiOptionsShape, type AiDescriptionInput } from './generate-description';

export const MAX_JOB_PRODUCTS = 100;

export const aiDescriptionsBody = z
  .object({
    product_ids: z.array(z.uuid()).min(1).max(MAX_JOB_PRODUCTS).describe(`1 to ${MAX_JOB_PRODUCTS} product ids, each once`),
    ...aiOptionsShape,
  })
  .strict();

const jobAccepted = z.object({ job_id: z.uuid(), status: z.literal('running'), total: z.number().int() });

export async function requestAiDescriptions(deps: CommandDeps & Pick<AiDescriptionDeps, 'accountLanguage'>, tenant: number, input: z.infer<typeof aiDescriptionsBody>, metadata: CommandMetadata): Promise<{ job_id: string; total: number }> {
  const ids = input.product_ids.map((id) => id.toLowerCase());
  const repeated = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (repeated >= 0) throw new ValidationError([{ field: `product_ids.${repeated}`, message: 'is named twice' }], true);
  const { product_ids: _ids, ...rest } = input;
  const options: AiDescriptionInput = rest;
  const jobId = deps.ids.uuid();
  await runCommand(
    deps,
    tenant,
    {
      stream: aiJobStream(jobId),
      decider: aiJobDecider,
      command: {
        type: 'RequestAiDescriptions',
        job_id: jobId,
        product_ids: ids,
        options: { ...options, language: options.language ?? (await deps.accountLanguage(tenant)), marketplace: options.marketplace ?? null },
        now: deps.clock.now(),
      },
      newStream: true,
    },
    metadata,
  );
  return { job_id: jobId, total: ids.length };
}

export async function finishAiDescriptionItem(
  deps: CommandDeps,
  tenant: number,
  input: { job_id: string; product_id: string; status: AiJobItemStatus; generation_id: string | null; error_code: string | null; error: string | null },
  metadata: CommandMetadata,
): Promise<void> {
  const { job_id, ...item } = input;
  await runCommand(deps, tenant, { stream: aiJobStream(job_id), decider: aiJobDecider, command: { type: 'FinishAiDescriptionItem', ...item, now: deps.clock.now() } }, metadata);
}

export async function completeAiDescriptionJob(deps: CommandDeps, tenant: number, jobId: string, metadata: CommandMetadata): Promise<void> {
  await runCommand(deps, tenant, { stream: aiJobStream(jobId), decider: aiJobDecider, command: { type: 'CompleteAiDescriptionJob', now: deps.clock.now() } }, metadata);
}

/** POST /api/ai/descriptions */
export function requestAiDescriptionsRoute(deps: CommandDeps & Pick<AiDescriptionDeps, 'accountLanguage'>) {
  return commandRoute({
    method: 'post',
    path: '/api/ai/descriptions',
    summary: 'Write listings for up to 100 products in the background (a job; GET /api/ai/jobs/{id} shows its progress)',
    tags: ['AI'],
    body: aiDescriptionsBody,
    responses: {
      202: { description: 'The job is accepted; its products are written in the background', schema: jobAccepted },
      400: { description: 'A field has the wrong type, or is unknown; more than 100 products' },
      422: { description: 'A product is named twice' },
    },
    handle: async ({ body, auth }, metadata) => {
      const job = await requestAiDescriptions(deps, auth.tenantId, body, metadata);
      return { status: 202, body: { job_id: job.job_id, status: 'running', total: job.total }, headers: { Location: `/api/ai/jobs/${job.job_id}` } };
    },
  });
}
