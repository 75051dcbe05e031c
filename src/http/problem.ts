import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { isDatabaseUnavailable } from '../infra/db/postgres';
import type { Logger } from '../infra/logger';
import { AppError, type FieldProblem, ValidationError } from '../shared/errors';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  request_id?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function statusOf(err: AppError): number {
  switch (err.kind) {
    case 'validation':
      return (err as ValidationError).unprocessable ? 422 : 400;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'concurrency':
      return 412;
    case 'precondition_required':
      return 428;
    case 'domain_rule':
      return 422;
    case 'auth':
      return (err as AppError & { forbidden: boolean }).forbidden ? 403 : 401;
    case 'plan_limit':
      return 403;
    case 'credits_exhausted':
      return 402;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    case 'upstream':
      return 502;
    case 'gateway_timeout':
      return 504;
    default:
      return 500;
  }
}

export interface ProblemInput {
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  errors?: FieldProblem[];
  type?: string;
  title?: string;
}

export function sendProblem(res: Response, problem: ProblemInput, extensions: Record<string, unknown> = {}): void {
  const body = {
    type: problem.type ?? 'about:blank',
    title: problem.title ?? TITLES[problem.status] ?? 'Error',
    ...problem,
    ...extensions,
    request_id: res.locals.requestId as string | undefined,
  };
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
}

/** Unknown routes answer with a problem too. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, { status: 404, detail: `No route for ${req.method} ${req.path}`, code: 'route_not_found', instance: req.originalUrl });
};

interface HttpParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  code?: unknown;
  errno?: unknown;
}

/** The body parser's decompression stream failed (zlib's `Z_DATA_ERROR`, a cut-off gzip, bad brotli): it has no `type`. */
function isUndecodableBody(err: HttpParserError): boolean {
  return err.status === 400 && err.type === undefined && typeof err.code === 'string' && typeof err.errno === 'number';
}

const DATABASE_RETRY_AFTER_SECONDS = 5;
const OUTAGE_LOG_EVERY_MS = 10_000;

/** Maps every error to RFC 9457 problem details; unknown errors leak nothing and are logged. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  // An outage fails every request: one warning per interval, with how many it stands for.
  let outageLoggedAt = 0;
  let outageUnlogged = 0;
  const logOutage = (err: unknown, requestId: unknown, path: string) => {
    const now = Date.now();
    if (now - outageLoggedAt < OUTAGE_LOG_EVERY_MS) {
      outageUnlogged++;
      return;
    }
    logger.warn({ err: (err as Error).message, request_id: requestId, path, failed_since_last_warning: outageUnlogged }, 'database unavailable');
    outageLoggedAt = now;
    outageUnlogged = 0;
  };
  return (err: unknown, req, res, _next) => {
    const instance = req.originalUrl;
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof AppError) {
      const status = statusOf(err);
      const retryAfter = (err as AppError & { retryAfterSeconds?: number }).retryAfterSeconds;
      if ((err.kind === 'rate_limited' || err.kind === 'unavailable') && retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
      const errors = err instanceof ValidationError ? err.errors : (err as AppError & { field?: string }).field ? [{ field: (err as AppError & { field: string }).field, message: err.message }] : undefined;
      sendProblem(res, { status, detail: err.message, code: err.code, instance, ...(errors ? { errors } : {}) }, err.extra);
      return;
    }
    if (err instanceof URIError) {
      // The router could not percent-decode a path parameter (`%ED%A0%80`, `%E0%A4%A`).
      sendProblem(res, { status: 400, detail: 'The path is not valid percent-encoded UTF-8', code: 'malformed_path', instance, errors: [{ field: 'path', message: 'is not valid percent-encoded UTF-8' }] });
      return;
    }
    const parser = err as HttpParserError;
    if (parser.type === 'entity.too.large') {
      sendProblem(res, { status: 413, detail: 'The request body is larger than allowed', code: 'body_too_large', instance });
      return;
    }
    if (parser.type === 'entity.parse.failed') {
      sendProblem(res, { status: 400, detail: 'The request body is not valid JSON', code: 'malformed_json', instance, errors: [{ field: 'body', message: 'malformed JSON' }] });
      return;
    }
    if (isUndecodableBody(parser)) {
      const coding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
      sendProblem(res, { status: 400, detail: `The request body is not valid ${coding} data, as its Content-Encoding says it is`, code: 'malformed_content_encoding', instance, errors: [{ field: 'body', message: `is not valid ${coding} data` }] });
      return;
    }
    if (parser.type === 'charset.unsupported' || parser.type === 'encoding.unsupported') {
      sendProblem(res, { status: 415, detail: 'Unsupported body encoding', code: 'unsupported_encoding', instance });
      return;
    }
    if (isDatabaseUnavailable(err)) {
      // Nothing to fix in the request: the database is down, hung or overloaded. Say when to retry.
      logOutage(err, res.locals.requestId, req.path);
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      sendProblem(res, { status: 503, detail: 'The database is unavailable; retry shortly', code: 'database_unavailable', instance });
      return;
    }
    logger.error({ err, request_id: res.locals.requestId, path: req.path }, 'unhandled error');
    sendProblem(res, { status: 500, detail: 'An unexpected error occurred', code: 'internal_error', instance });
  };
}
