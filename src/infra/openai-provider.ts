/*
 * The AI provider through the `openai` client: Chat Completions with response_format json_schema
 * (from a zod schema), the photos as image_url parts holding their bytes (data: URLs, sized down
 * before they get here: src/infra/image-resize.ts; `detail: "low"` keeps their token cost small). Any OpenAI-compatible server works through OPENAI_BASE_URL (Ollama,
 * llama.cpp, vLLM).
 *
 * One time budget (OPENAI_TIMEOUT_MS) covers every attempt: a timeout, a 5xx or a refused
 * connection is tried again after a growing pause, a 429 after the retry-after it names, as long as
 * the budget allows; then it fails as timeout, unavailable or rate_limited. The client's own
 * retries are off, so the budget is the whole story.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionContentPart } from 'openai/resources/chat/completions';
import { AiProviderError, type AiCompletion, type AiCompletionRequest, type AiProvider } from '../shared/ai-provider';

export interface OpenAiOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
  /** Test seams: the pause between attempts, and the clock the budget is counted on. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const BASE_BACKOFF_MS = 250;

function retryAfterMs(err: APIError): number | null {
  const headers = err.headers;
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

export function openAiProvider(options: OpenAiOptions): AiProvider {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0, timeout: options.timeoutMs });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => Date.now());

  return {
    name: 'openai',
    model: options.model,
    timeoutMs: options.timeoutMs,
    async complete<T>(request: AiCompletionRequest<T>): Promise<AiCompletion> {
      const deadline = request.deadline ?? now() + options.timeoutMs;
      const parts: ChatCompletionContentPart[] = [
        { type: 'text', text: request.user },
        ...request.images.map((image): ChatCompletionContentPart => ({ type: 'image_url', image_url: { url: `data:${image.contentType};base64,${image.bytes.toString('base64')}`, detail: 'low' } })),
      ];
      for (let attempt = 1; ; attempt++) {
        const remaining = deadline - now();
        if (remaining <= 0) throw new AiProviderError('timeout', `The AI provider did not answer within ${options.timeoutMs} ms`, attempt - 1);
        let wait: number;
        let failure: AiProviderError;
        // Our own timer decides what a timeout is: the client's abort surfaces as a plain connection error in some runtimes.
        const abort = new AbortController();
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          abort.abort();
        }, remaining);
        try {
          const completion = await client.chat.completions.create(
            {
              model: options.model,
              messages: [
                { role: 'system', content: request.system },
                { role: 'user', content: parts },
              ],
              // eslint-disable-next-line @typescript-eslint/no-explicit-any
              response_format: zodResponseFormat(request.schema as any, request.schemaName),
            },
            { timeout: remaining + 1000, maxRetries: 0, signal: abort.signal },
          );
          return {
            content: completion.choices[0]?.message?.content ?? '',
            usage: { input_tokens: completion.usage?.prompt_tokens ?? 0, output_tokens: completion.usage?.completion_tokens ?? 0 },
            attempts: attempt,
          };
        } catch (err) {
          if (timedOut || err instanceof APIConnectionTimeoutError) {
            failure = new AiProviderError('timeout', `The AI provider did not answer within ${options.timeoutMs} ms`, attempt);
            wait = BASE_BACKOFF_MS * 2 ** (attempt - 1);
          } else if (err instanceof APIConnectionError) {
            failure = new AiProviderError('unavailable', `The AI provider could not be reached: ${err.message}`, attempt);
            wait = BASE_BACKOFF_MS * 2 ** (attempt - 1);
          } else if (err instanceof APIError && err.status === 429) {
            const after = retryAfterMs(err);
            wait = after ?? BASE_BACKOFF_MS * 2 ** (attempt - 1);
            failure = new AiProviderError('rate_limited', 'The AI provider is rate limiting this account', attempt, Math.max(1, Math.ceil(wait / 1000)));
          } else if (err instanceof APIError && typeof err.status === 'number' && err.status >= 500) {
            failure = new AiProviderError('unavailable', `The AI provider answered ${err.status}`, attempt);
            wait = BASE_BACKOFF_MS * 2 ** (attempt - 1);
          } else if (err instanceof APIError) {
            throw new AiProviderError('rejected', `The AI provider refused the request (${err.status ?? 'no status'}): ${err.message}`, attempt);
          } else {
            throw err;
          }
        } finally {
          clearTimeout(timer);
        }
        // Another try only if it can start and still have time to answer.
        if (now() + wait >= deadline) throw failure;
        await sleep(wait);
      }
    },
  };
}
