import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import type { Logger } from '../infra/logger';
import { requestContext } from '../infra/request-context';
import { docsRouter } from './docs';
import { methodNotAllowedHandler, methodsOnPath } from './methods';
import { buildOpenApi } from './openapi';
import { notFoundHandler, problemHandler, sendProblem } from './problem';
import { mountRoute, type AnyRoute, type Authenticate } from './route';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, { status: 'ok' | 'degraded' | 'down' | 'disabled'; [detail: string]: unknown }>;
}

export interface AppOptions {
  logger: Logger;
  corsOrigins: string[];
  trustProxyHops: number;
  routes: AnyRoute[];
  authenticate: Authenticate;
  health: () => Promise<HealthReport>;
  /** Applied to every /api route (the global per-IP limit). */
  apiLimiter?: RequestHandler;
  /** Routers mounted before the API routes (static files…). */
  routers?: Router[];
  version?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What `/` lists, and the start banner prints: each answers 200. */
export const serviceLinks = [
  { name: 'Swagger UI', rel: 'docs', href: '/docs' },
  { name: 'ReDoc', rel: 'redoc', href: '/redoc' },
  { name: 'OpenAPI', rel: 'openapi', href: '/openapi.json' },
  { name: 'Health', rel: 'health', href: '/health' },
] as const;

/** Stoflow's own package.json, found upwards: two folders up from src/http, three from dist/src/http. */
function ownPackage(): { name: string; version: string } {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string };
    if (dirname(dir) === dir) return { name: 'stoflow', version: '0.0.0' };
  }
}

/** Rejects bodies that are not JSON on JSON routes (multipart is parsed by the routes that take it). */
const requireJson: RequestHandler = (req, res, next) => {
  if (!['POST', 'PUT', 'PATCH'].includes(req.method) || !req.headers['content-type'] && !hasBody(req)) return next();
  if (!hasBody(req) || req.is(['application/json', 'application/*+json', 'multipart/form-data'])) return next();
  sendProblem(res, { status: 415, detail: 'Send the body as application/json', code: 'unsupported_media_type', instance: req.originalUrl });
};

const JSON_TYPES = ['application/json', 'application/*+json'];
/** Where marketplaces push their notifications. */
const WEBHOOKS = '/api/webhooks/';
/** The content codings of a JSON body that the JSON parser decodes (body-parser's `inflate`, on every Node it runs on). */
const JSON_CODINGS = ['gzip', 'deflate', 'br'];

/**
 * Refuses a body in a content coding it cannot be read in (RFC 9110 §15.5.16): 415 with the
 * codings it can be sent in. JSON may come in one of JSON_CODINGS; uploads are read as sent.
 */
const refuseUnknownCoding: RequestHandler = (req, res, next) => {
  const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || !hasBody(req)) return next();
  const json = req.is(JSON_TYPES) !== false;
  if (json && JSON_CODINGS.includes(coding)) return next();
  const accepted = json ? JSON_CODINGS.join(', ') : 'identity';
  res.setHeader('Accept-Encoding', accepted);
  const hint = json ? `send it uncoded or as ${accepted}` : 'send it without a Content-Encoding';
  sendProblem(res, { status: 415, detail: `The body's Content-Encoding "${coding}" is not supported; ${hint}`, code: 'unsupported_content_encoding', instance: req.originalUrl });
};

function hasBody(req: express.Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** The HTTP shell. Nothing listens or connects here: the caller owns the server. */
export function createApp(options: AppOptions): Express {
  const app = express();
  const methodsOn = methodsOnPath(options.routes);
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxyHops);
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      options.logger.info({ request_id: requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    // Everything logged while serving this request carries its id.
    requestContext.run({ requestId }, next);
  });
  app.use(helmet({ contentSecurityPolicy: { useDefaults: true, directives: { 'script-src': ["'self'"], 'upgrade-insecure-requests': null } } }));
  const allowed = new Set(options.corsOrigins);
  const corsAllowing = (methods?: string[]) =>
    cors({
      origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
      methods,
      credentials: true,
      exposedHeaders: ['ETag', 'X-Request-Id', 'Retry-After', 'Location'],
      maxAge: 600,
    });
  const corsHeaders = corsAllowing();
  app.use((req, res, next) => {
    if (req.method !== 'OPTIONS') return corsHeaders(req, res, next);
    // A preflight offers the methods the path serves; a path no route has is left to the 404.
    methodsOn(req, res, (methods) => (methods.length > 0 ? corsAllowing(methods)(req, res, next) : next()));
  });
  app.use(requireJson);
  app.use(refuseUnknownCoding);
  // The limit counts the decoded bytes: a small gzip body cannot inflate past it.
  // Webhooks are verified over the bytes as received, so those bodies are kept as they came.
  app.use(
    express.json({
      limit: '1mb',
      type: JSON_TYPES,
      verify: (req, _res, buf) => {
        if ((req as express.Request).originalUrl?.startsWith(WEBHOOKS)) (req as express.Request & { rawBody?: Buffer }).rawBody = buf;
      },
    }),
  );

  const own = ownPackage();
  const version = options.version ?? own.version;
  const index = { name: own.name, version, links: Object.fromEntries(serviceLinks.map((l) => [l.rel, { href: l.href }])) };
  app.get('/', (_req, res) => void res.json(index));
  app.get('/health', async (_req, res) => {
    const report = await options.health();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });
  app.use(docsRouter(() => buildOpenApi(options.routes, {
    title: 'Stoflow API',
    version,
    description: 'List each product once, publish it everywhere, keep every listing in sync.',
  })));
  for (const router of options.routers ?? []) app.use(router);
  // Marketplaces deliver from a few addresses, many at a time; a webhook is verified by its signature instead.
  const limiter = options.apiLimiter;
  if (limiter) app.use('/api', (req, res, next) => (req.originalUrl.startsWith(WEBHOOKS) ? next() : limiter(req, res, next)));

  const api = express.Router();
  for (const route of options.routes) mountRoute(api, route, options.authenticate);
  app.use(api);

  app.use(methodNotAllowedHandler(methodsOn));
  app.use(notFoundHandler);
  app.use(problemHandler(options.logger));
  return app;
}
