/*
 * The AI provider port, as the description handler uses it: one chat completion whose answer is
 * JSON of a given schema, with the photos as image parts. The adapter (src/infra/openai-provider.ts)
 * retries what passes (timeouts, 429 after its retry-after, 5xx) within its time budget, and
 * throws an AiProviderError saying how it failed.
 */
import type { z } from 'zod';

export interface AiImage {
  contentType: string;
  bytes: Buffer;
}

export interface AiCompletionRequest<T> {
  system: string;
  user: string;
  images: readonly AiImage[];
  /** The answer's shape: sent as response_format json_schema, and the answer is checked against it by the caller. */
  schema: z.ZodType<T>;
  schemaName: string;
  /** When the budget ends (ms since the epoch); default: the provider's timeout from now. A retry of a refused answer shares its first call's budget. */
  deadline?: number;
}

export interface AiCompletion {
  /** The message content as the model wrote it (JSON text, unless the model did not comply). */
  content: string;
  usage: { input_tokens: number; output_tokens: number };
  /** Calls made, retries included. */
  attempts: number;
}

export interface AiProvider {
  name: string;
  model: string;
  /** The time budget of one generation (OPENAI_TIMEOUT_MS). */
  timeoutMs: number;
  complete<T>(request: AiCompletionRequest<T>): Promise<AiCompletion>;
}

/** timeout: the budget ran out · unavailable: 5xx or unreachable · rate_limited: 429 beyond the budget · rejected: any other refusal. */
export type AiFailureKind = 'timeout' | 'unavailable' | 'rate_limited' | 'rejected';

export class AiProviderError extends Error {
  constructor(
    readonly kind: AiFailureKind,
    message: string,
    readonly attempts: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AiProviderError';
  }
}
