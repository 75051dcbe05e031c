/*
 * Every AI description generation is recorded: one stream per generation (`ai-generation-<id>`),
 * holding the one event that says how it went — the listing written, by which provider and model,
 * the tokens, the estimated cost, the time taken and the credits charged, or the error. A bulk
 * request is a job (`ai-job-<id>`): which products it covers, then each product's outcome, then
 * its completion.
 */
import { ConflictError } from '../../shared/errors';
import type { Decider, DomainEvent } from '../shared/decider';
import type { AiLanguage, AiLength, AiMarketplace, AiTone, GeneratedListing } from './listing';

export function aiGenerationStream(generationId: string): string {
  return `ai-generation-${generationId}`;
}

export function aiJobStream(jobId: string): string {
  return `ai-job-${jobId}`;
}

export interface AiOptions {
  language: AiLanguage;
  tone: AiTone;
  length: AiLength;
  marketplace: AiMarketplace | null;
  use_images: boolean;
  apply: boolean;
}

export interface AiUsage {
  input_tokens: number;
  output_tokens: number;
}

interface GenerationBase {
  generation_id: string;
  product_id: string;
  /** The product version the listing was written from. */
  product_version: number;
  job_id: string | null;
  provider: string;
  model: string;
  options: AiOptions;
  images_sent: number;
  usage: AiUsage;
  cost_estimate_usd: number;
  latency_ms: number;
  attempts: number;
}

export type AiDescriptionGenerated = DomainEvent<
  'AiDescriptionGenerated',
  GenerationBase & {
    /** The language written (the template writes English for languages it does not know). */
    language: AiLanguage;
    listing: GeneratedListing;
    credits_charged: number;
    applied: boolean;
    /** The product version after applying (null when not applied). */
    applied_version: number | null;
    generated_at: string;
  }
>;

export type AiDescriptionFailed = DomainEvent<'AiDescriptionFailed', GenerationBase & { error_code: string; error: string; failed_at: string }>;

export type AiGenerationEvent = AiDescriptionGenerated | AiDescriptionFailed;
export const AI_GENERATION_EVENTS = ['AiDescriptionGenerated', 'AiDescriptionFailed'] as const;

export type RecordAiGeneration = { type: 'RecordAiGeneration'; event: AiGenerationEvent };

export const aiGenerationDecider: Decider<RecordAiGeneration, AiGenerationEvent, AiGenerationEvent | null> = {
  initialState: null,
  evolve: (_state, event) => event,
  decide(command, state) {
    if (state !== null) throw new ConflictError('This generation is recorded already', 'generation_recorded');
    return [command.event];
  },
};

export type AiJobItemStatus = 'succeeded' | 'failed';

export type AiDescriptionJobRequested = DomainEvent<'AiDescriptionJobRequested', { job_id: string; product_ids: string[]; options: AiOptions; requested_at: string }>;
export type AiDescriptionJobItemFinished = DomainEvent<
  'AiDescriptionJobItemFinished',
  { job_id: string; product_id: string; status: AiJobItemStatus; generation_id: string | null; error_code: string | null; error: string | null; finished_at: string }
>;
export type AiDescriptionJobCompleted = DomainEvent<'AiDescriptionJobCompleted', { job_id: string; succeeded: number; failed: number; completed_at: string }>;
export type AiJobEvent = AiDescriptionJobRequested | AiDescriptionJobItemFinished | AiDescriptionJobCompleted;
export const AI_JOB_EVENTS = ['AiDescriptionJobRequested', 'AiDescriptionJobItemFinished', 'AiDescriptionJobCompleted'] as const;

export interface AiJob {
  job_id: string;
  product_ids: readonly string[];
  options: AiOptions;
  finished: ReadonlyMap<string, AiJobItemStatus>;
  completed: boolean;
}

export type AiJobCommand =
  | { type: 'RequestAiDescriptions'; job_id: string; product_ids: string[]; options: AiOptions; now: Date }
  | { type: 'FinishAiDescriptionItem'; product_id: string; status: AiJobItemStatus; generation_id: string | null; error_code: string | null; error: string | null; now: Date }
  | { type: 'CompleteAiDescriptionJob'; now: Date };

export const aiJobDecider: Decider<AiJobCommand, AiJobEvent, AiJob | null> = {
  initialState: null,
  evolve(state, event) {
    switch (event.type) {
      case 'AiDescriptionJobRequested':
        return { job_id: event.data.job_id, product_ids: event.data.product_ids, options: event.data.options, finished: new Map(), completed: false };
      case 'AiDescriptionJobItemFinished':
        return state && { ...state, finished: new Map(state.finished).set(event.data.product_id, event.data.status) };
      case 'AiDescriptionJobCompleted':
        return state && { ...state, completed: true };
      default: {
        const _never: never = event;
        return state;
      }
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'RequestAiDescriptions':
        if (state) throw new ConflictError('This job exists already', 'job_exists');
        return [{ type: 'AiDescriptionJobRequested', data: { job_id: command.job_id, product_ids: command.product_ids, options: command.options, requested_at: command.now.toISOString() } }];
      case 'FinishAiDescriptionItem':
        // A redelivered reaction finishing an item again changes nothing.
        if (!state || state.finished.has(command.product_id) || !state.product_ids.includes(command.product_id)) return [];
        return [
          {
            type: 'AiDescriptionJobItemFinished',
            data: { job_id: state.job_id, product_id: command.product_id, status: command.status, generation_id: command.generation_id, error_code: command.error_code, error: command.error, finished_at: command.now.toISOString() },
          },
        ];
      case 'CompleteAiDescriptionJob': {
        if (!state || state.completed || state.finished.size < state.product_ids.length) return [];
        const succeeded = [...state.finished.values()].filter((s) => s === 'succeeded').length;
        return [{ type: 'AiDescriptionJobCompleted', data: { job_id: state.job_id, succeeded, failed: state.finished.size - succeeded, completed_at: command.now.toISOString() } }];
      }
      default: {
        const _never: never = command;
        return [];
      }
    }
  },
};
