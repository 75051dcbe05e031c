/*
 * A local OpenAI-compatible server, as far as AI descriptions meet one: POST /v1/chat/completions
 * with a bearer key, messages whose user content holds text and image_url parts, and
 * response_format json_schema. It answers the next scripted reply (a listing, invalid JSON, a 429
 * with retry-after, a 500, or a slow answer) and then its default listing, with usage counted
 * from the request and the answer, and keeps every request it was sent for the test to inspect.
 * The real `openai` client talks to it by base URL (OPENAI_BASE_URL = double.baseUrl).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OPENAI_TEST_KEY = 'sk-test-stoflow-double';

export interface ListingReply {
  title: string;
  description: string;
  tags: string[];
  bullet_points: string[];
}

export type ScriptedReply =
  | { kind: 'listing'; listing: Partial<ListingReply>; delayMs?: number }
  | { kind: 'content'; content: string }
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'slow'; delayMs: number };

interface ContentPart {
  type: string;
  text?: string;
  image_url?: { url: string; detail?: string };
}

export interface ReceivedRequest {
  authorization: string | undefined;
  body: {
    model: string;
    messages: { role: string; content: string | ContentPart[] }[];
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  };
  /** The image parts of the user message. */
  images: { url: string; detail?: string }[];
  at: number;
}

export interface OpenAiDouble {
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Replies for the next requests, in order; after them, the default listing. */
  script(...replies: ScriptedReply[]): void;
  /** The listing answered when nothing is scripted. */
  defaultListing: ListingReply;
  /** How long every answer takes (0 by default), as a real model's latency. */
  answerDelayMs: number;
  /** Completions being answered right now, and the most there ever were at once. */
  inFlight: number;
  peakInFlight: number;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_LISTING: ListingReply = {
  title: 'Robe noire Zara, taille M',
  description: 'Robe noire de la marque Zara, taille M, en très bon état.',
  tags: ['robe', 'noir', 'zara'],
  bullet_points: ['Marque : Zara', 'Taille : M'],
};

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startOpenAiDouble(): Promise<OpenAiDouble> {
  const queue: ScriptedReply[] = [];
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const double: Partial<OpenAiDouble> = { defaultListing: { ...DEFAULT_LISTING }, answerDelayMs: 0, inFlight: 0, peakInFlight: 0 };
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const completion = (body: ReceivedRequest['body'], raw: string, content: string) => ({
    id: `chatcmpl-${requests.length}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: tokens(raw), completion_tokens: tokens(content), total_tokens: tokens(raw) + tokens(content) },
  });

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(res, 404, { error: { message: `No route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      if (req.headers.authorization !== `Bearer ${OPENAI_TEST_KEY}`) return json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      let body: ReceivedRequest['body'];
      try {
        body = JSON.parse(raw) as ReceivedRequest['body'];
      } catch {
        return json(res, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' } });
      }
      const user = body.messages.find((m) => m.role === 'user');
      const images = Array.isArray(user?.content) ? user.content.filter((p) => p.type === 'image_url').map((p) => p.image_url!) : [];
      requests.push({ authorization: req.headers.authorization, body, images, at: Date.now() });
      if (body.response_format?.type !== 'json_schema' || !body.response_format.json_schema?.schema) {
        return json(res, 400, { error: { message: "response_format must be of type 'json_schema'", type: 'invalid_request_error' } });
      }
      double.inFlight! += 1;
      double.peakInFlight = Math.max(double.peakInFlight!, double.inFlight!);
      res.once('close', () => (double.inFlight! -= 1));
      if (double.answerDelayMs) await delay(double.answerDelayMs);
      const next = queue.shift();
      if (next?.kind === 'status') {
        return json(res, next.status, next.body ?? { error: { message: `Scripted ${next.status}`, type: next.status === 429 ? 'rate_limit_exceeded' : 'server_error' } }, next.retryAfter ? { 'retry-after': next.retryAfter } : {});
      }
      if (next?.kind === 'slow') await delay(next.delayMs);
      if (next?.kind === 'listing' && next.delayMs) await delay(next.delayMs);
      if (res.destroyed) return;
      const content = next?.kind === 'content' ? next.content : JSON.stringify({ ...double.defaultListing, ...(next?.kind === 'listing' ? next.listing : {}) });
      json(res, 200, completion(body, raw, content));
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err), type: 'server_error' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return Object.assign(double, {
    baseUrl,
    requests,
    script: (...replies: ScriptedReply[]) => void queue.push(...replies),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      double.defaultListing = { ...DEFAULT_LISTING };
      double.answerDelayMs = 0;
      double.peakInFlight = double.inFlight!;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as OpenAiDouble;
}
