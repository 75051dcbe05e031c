/*
 * The tenant's log for analytics consumers: catch-up paging and a live Server-Sent Events stream,
 * both in log order, tenant taken from the token. The store never lets a reader skip an event
 * that commits late, so "everything after position p" is a complete, gap-free answer and a
 * consumer only has to remember the last position it handled.
 *
 * Positions are JSON numbers: exact up to 2^53 − 1, which a tenant's log would need nine
 * quadrillion events to pass. In SSE they are the `id:` of each message, as decimal text.
 */
import type { Response } from 'express';
import { z } from 'zod';
import type { EventStore, RecordedEvent } from '../eventstore/types';
import { defineRoute, type AnyRoute, type AuthContext, type RouteAuthenticator } from '../http/route';
import type { Logger } from '../infra/logger';
import { RateLimitedError, ValidationError } from '../shared/errors';
import { createLiveFeed, type Follower } from './live-feed';
import { eventsJsonSchema, PUBLIC_EVENTS, type FeedItem, type PublicEvents } from './public-events';

export type { FeedItem } from './public-events';

const MAX_POSITION = 9223372036854775807n;

const position = z
  .string()
  .regex(/^[0-9]{1,19}$/, 'must be a log position (a non-negative integer)')
  .refine((v) => !/^[0-9]+$/.test(v) || BigInt(v) <= MAX_POSITION, 'is too large');

const types = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean)))
  .pipe(z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/, 'must be an event type name')).max(50))
  .describe('Only events of these types: repeat the parameter or separate with commas');

const pageQuery = z
  .object({
    after: position.optional().describe('Return events after this position (default 0: from the beginning); pass the previous next_after'),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Events per page, at most 1000'),
    type: types,
  })
  .strict();

const streamQuery = z
  .object({
    after: position.optional().describe('Start after this position (default 0); a Last-Event-ID header takes precedence'),
    type: types,
  })
  .strict();

/** One SSE message: `id` (the position, echoed back as Last-Event-ID on reconnect), `event`, `data` (the feed item). */
export function sseMessage(item: FeedItem): string {
  return `id: ${item.position}\nevent: ${item.type}\ndata: ${JSON.stringify(item)}\n\n`;
}

export interface EventFeedDeps {
  eventStore: EventStore;
  /** The routes' credential (a user token or a consumer key); the app's bearer token when absent. */
  authenticator?: RouteAuthenticator;
  logger?: Logger;
  /** The event types the feed exposes and the public shape of each (default: PUBLIC_EVENTS). */
  events?: PublicEvents;
  /** Comment lines that keep proxies and clients from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
  /** Open live streams per tenant in this process (default 20); more answer 429. */
  maxStreamsPerTenant?: number;
  /**
   * Open live streams per consumer in this process (default 5, at most the tenant's); more
   * answer 429, so one runaway consumer cannot take all of its tenant's streams.
   */
  maxStreamsPerConsumer?: number;
  /**
   * Bytes a live stream may have waiting to be sent (default 1 MiB). A consumer that stops
   * reading is disconnected past it rather than buffered for without end; it resumes with
   * Last-Event-ID, losing nothing.
   */
  streamBufferBytes?: number;
}

/** How long a client refused for too many open streams is told to wait. */
const STREAMS_RETRY_AFTER_SECONDS = 10;

class ClientGone extends Error {}

/** Writes, waiting for the socket to drain: a consumer catching up slowly slows only itself. */
function send(res: Response, chunk: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.reject(new ClientGone());
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (gone: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (gone) reject(new ClientGone());
      else resolve();
    };
    const onDrain = done(false);
    const onClose = done(true);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * Who the live-stream cap counts against: a consumer key is a consumer of its own, whoever
 * created it; otherwise the user the access token was issued to. A user's tokens, however many
 * sessions it signs in, all carry its id, so a runaway consumer cannot dodge its cap by signing
 * in again; a session id could.
 */
export function consumerOf(auth: AuthContext): string {
  return auth.consumerKeyId !== undefined ? `key:${auth.consumerKeyId}` : auth.userId;
}

function resumePoint(lastEventId: string | undefined, after: string | undefined): bigint {
  if (lastEventId === undefined) return after === undefined ? 0n : BigInt(after);
  const parsed = position.safeParse(lastEventId.trim());
  if (!parsed.success) throw new ValidationError([{ field: 'Last-Event-ID', message: 'must be a log position (the id of the last event received)' }]);
  return BigInt(parsed.data);
}

export function eventFeedRoutes(deps: EventFeedDeps): AnyRoute[] {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const maxStreams = deps.maxStreamsPerTenant ?? 20;
  const maxPerConsumer = Math.min(deps.maxStreamsPerConsumer ?? 5, maxStreams);
  const bufferBytes = deps.streamBufferBytes ?? 1024 * 1024;
  const events = deps.events ?? PUBLIC_EVENTS;
  // Only public types are ever read: the item of each one is its public shape.
  const present = (event: RecordedEvent): FeedItem => events.item(event) ?? refuse(event);
  const refuse = (event: RecordedEvent): never => {
    throw new Error(`event feed: ${event.type} is not a public event type`);
  };
  /** The types asked for, every one of them public; all public types when none is named. */
  const typesOf = (asked: string[]): readonly string[] => {
    const unknown = asked.filter((t) => !events.has(t));
    if (unknown.length > 0) {
      throw new ValidationError([{ field: 'type', message: `${unknown.join(', ')}: not an event type of the feed (GET /api/events/schema lists them)` }]);
    }
    return asked.length > 0 ? asked : events.types;
  };
  const live = createLiveFeed({
    eventStore: deps.eventStore,
    format: (event) => sseMessage(present(event)),
    maxStreamsPerTenant: maxStreams,
    maxStreamsPerConsumer: maxPerConsumer,
    logger: deps.logger,
  });

  const page = defineRoute({
    method: 'get',
    path: '/api/events',
    summary: "Page through the account's event log in order (catch-up)",
    tags: ['Event feed'],
    authenticator: deps.authenticator,
    query: pageQuery,
    responses: {
      200: {
        description:
          'Events with a position greater than `after`, in log order, at most `limit`. Pass `next_after` as the next `after`; ' +
          'an empty page means the consumer is caught up (poll again later, or switch to /api/events/stream). Pages never skip an event.',
        schema: z.object({
          items: z.array(events.itemSchema),
          next_after: z.number().int().describe('The position to ask after next: the last item’s, or `after` when the page is empty'),
        }),
      },
    },
    async handle({ auth, query }) {
      const after = query.after === undefined ? 0n : BigInt(query.after);
      const types = typesOf(query.type);
      const read = await deps.eventStore.readLog(auth.tenantId, after, query.limit, types);
      const last = read[read.length - 1];
      return { status: 200, body: { items: read.map(present), next_after: Number(last ? last.position : after) } };
    },
  });

  const stream = defineRoute({
    method: 'get',
    path: '/api/events/stream',
    summary: "Follow the account's event log live (Server-Sent Events)",
    tags: ['Event feed'],
    authenticator: deps.authenticator,
    query: streamQuery,
    headers: [
      {
        name: 'Last-Event-ID',
        description: 'Resume after this position: the `id` of the last message received (EventSource clients send it when they reconnect)',
      },
    ],
    responses: {
      200: {
        description:
          'A text/event-stream that first catches up from `after` (or Last-Event-ID) and then follows live. One message per event: ' +
          '`id:` its position, `event:` its type, `data:` the same JSON object as an item of GET /api/events. A `: keep-alive` comment ' +
          'every 15 s keeps idle connections open. Reconnecting with Last-Event-ID resumes with neither loss nor duplicates. ' +
          'A consumer that stops reading is disconnected once the data waiting for it passes a bound (1 MiB by default), ' +
          'and resumes the same way.',
        contentType: 'text/event-stream',
        schema: z.string(),
      },
      429: {
        description:
          'The caller (EVENT_STREAMS_PER_CONSUMER) or the account (EVENT_STREAMS_PER_TENANT) already has as many streams open as allowed: ' +
          'close one, or retry after Retry-After seconds. `limit` names the cap reached and `allowed` its value.',
      },
    },
    async handle({ auth, query, req, res }) {
      const from = resumePoint(req.header('last-event-id'), query.after);
      const types = typesOf(query.type);
      const tenant = auth.tenantId;
      const consumer = consumerOf(auth);
      let closed = false;
      let heartbeat: NodeJS.Timeout | undefined = undefined;
      let follower: Follower | null = null;
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        follower?.stop();
        if (!res.writableEnded) res.end();
      };
      // Live messages are written at once; what the consumer does not read piles up in the
      // response, up to the bound, and then the consumer is let go. Measured once the writes of
      // this turn have been handed to the socket (they are corked until then): a burst that a
      // reading consumer takes at once is no reason to drop it.
      let measuring = false;
      const measure = () => {
        measuring = false;
        if (closed || res.writableLength <= bufferBytes) return;
        deps.logger?.warn({ tenant, buffered: res.writableLength }, 'event stream: the consumer does not keep up; disconnected (it resumes with Last-Event-ID)');
        close();
        res.destroy();
      };
      const push = (chunk: string) => {
        if (closed || res.destroyed || res.writableEnded) return;
        res.write(chunk);
        if (!measuring) {
          measuring = true;
          setImmediate(measure);
        }
      };
      const followed = live.follow(tenant, {
        consumer,
        from,
        types,
        catchUp: (message) => send(res, message),
        live: push,
      });
      if (followed === 'consumer') {
        throw new RateLimitedError(
          STREAMS_RETRY_AFTER_SECONDS,
          `You already have ${maxPerConsumer} event streams open: close one, or retry later`,
          { limit: 'EVENT_STREAMS_PER_CONSUMER', allowed: maxPerConsumer },
        );
      }
      if (followed === 'tenant') {
        throw new RateLimitedError(
          STREAMS_RETRY_AFTER_SECONDS,
          `This account already has ${maxStreams} event streams open: close one, or retry later`,
          { limit: 'EVENT_STREAMS_PER_TENANT', allowed: maxStreams },
        );
      }
      follower = followed;
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache, no-transform');
      res.setHeader('Connection', 'keep-alive');
      // nginx and similar proxies would otherwise buffer the stream and deliver it in lumps.
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      req.socket.setNoDelay(true);
      res.write('retry: 3000\n\n');
      heartbeat = setInterval(() => push(': keep-alive\n\n'), heartbeatMs);
      res.on('close', close);
      if (res.destroyed) close();
      follower.done.catch((err: unknown) => {
        // The headers are out: end the stream, and the client reconnects after `retry`.
        if (!(err instanceof ClientGone) && !closed) deps.logger?.error({ err, tenant }, 'event stream failed');
        close();
      });
      return undefined;
    },
  });

  const schema = defineRoute({
    method: 'get',
    path: '/api/events/schema',
    summary: 'The JSON Schema of the feed items: every public event type and the shape of its data',
    tags: ['Event feed'],
    auth: false,
    responses: {
      200: {
        description: 'A JSON Schema (draft 2020-12) document, also in the repository as docs/events.schema.json',
      },
    },
    handle: async () => ({ status: 200, body: schemaDocument, headers: { 'Cache-Control': 'public, max-age=300' } }),
  });
  const schemaDocument = eventsJsonSchema(events);

  return [page, stream, schema];
}
