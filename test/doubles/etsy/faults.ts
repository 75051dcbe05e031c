/*
 * Programmable misbehaviour, and the log of every request the double received.
 *
 * A fault is queued with `double.faults.next(spec)` and applies to the next `times` (default 1)
 * requests that match its `method` and `path` (a string matches that path and everything below
 * it; a RegExp is tested against the path without its query). Kinds:
 *   - status: answer `status` at once with `body` (default `{ error: <status text> }`) and
 *     `retry-after` when `retryAfterSeconds` is given; the request does nothing else;
 *   - hang:   never answer (the socket stays open until the client gives up or the double stops);
 *   - drop:   destroy the socket without answering;
 *   - slow:   wait `ms`, then handle the request normally.
 * Faults apply before any check, to every route (OAuth included): they stand for the network and
 * Etsy's front end failing, not for Etsy's answers.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Socket } from 'node:net';
import { statusText } from './errors';

export type FaultKind = 'status' | 'hang' | 'drop' | 'slow';

interface Match {
  method?: string;
  path?: string | RegExp;
  times?: number;
}

export type FaultSpec = Match &
  (
    | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
    | { kind: 'hang' }
    | { kind: 'drop' }
    | { kind: 'slow'; ms: number }
  );

export interface RecordedFile {
  field: string;
  filename: string;
  mimetype: string;
  size: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  contentType: string | null;
  /** Form and JSON bodies parsed; multipart fields (text parts) here, files in `files`. */
  body: unknown;
  files: RecordedFile[];
  /** The status answered, or null while unanswered (and for ever when hung or dropped). */
  status: number | null;
  fault: FaultKind | null;
  at: number;
}

export class Faults {
  private queue: (FaultSpec & { left: number })[] = [];

  next(spec: FaultSpec): void {
    this.queue.push({ ...spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  get pending(): readonly FaultSpec[] {
    return this.queue;
  }

  take(method: string, path: string): FaultSpec | undefined {
    const index = this.queue.findIndex((f) => matches(f, method, path));
    if (index < 0) return undefined;
    const fault = this.queue[index]!;
    fault.left -= 1;
    if (fault.left <= 0) this.queue.splice(index, 1);
    return fault;
  }
}

function matches(fault: Match, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path === undefined) return true;
  if (fault.path instanceof RegExp) return fault.path.test(path);
  return path === fault.path || path.startsWith(fault.path.endsWith('/') ? fault.path : `${fault.path}/`);
}

export function recordOf(res: Response): RecordedRequest {
  return res.locals.record as RecordedRequest;
}

/** Logs the request; its status is filled in when the answer has been sent. */
export function recorder(log: RecordedRequest[], nowMs: () => number): RequestHandler {
  return (req: Request, res: Response, next) => {
    const record: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: { ...(req.query as Record<string, unknown>) },
      headers: { ...req.headers },
      contentType: req.headers['content-type'] ?? null,
      body: undefined,
      files: [],
      status: null,
      fault: null,
      at: nowMs(),
    };
    log.push(record);
    res.locals.record = record;
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    next();
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function faultInjector(faults: Faults, latencyMs: () => number, hung: Set<Socket>): RequestHandler {
  return async (req, res, next) => {
    const latency = latencyMs();
    if (latency > 0) await sleep(latency);
    const fault = faults.take(req.method, req.path);
    if (!fault) return next();
    const record = recordOf(res);
    record.fault = fault.kind;
    switch (fault.kind) {
      case 'slow':
        await sleep(fault.ms);
        return next();
      case 'hang':
        hung.add(req.socket);
        req.socket.once('close', () => hung.delete(req.socket));
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'status':
        if (fault.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(fault.retryAfterSeconds));
        res.status(fault.status).json(fault.body ?? { error: statusText(fault.status) });
        return;
    }
  };
}
