import { dirname, join } from 'node:path';
import express, { type Router } from 'express';

const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
const redocBundle = join(dirname(require.resolve('redoc/package.json')), 'bundles', 'redoc.standalone.js');

const swaggerPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stoflow API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

const swaggerInit = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, persistAuthorization: true });`;

const redocPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stoflow API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/redoc/redoc.standalone.js"></script></body></html>`;

/** `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc`, served from npm packages (no CDN). */
export function docsRouter(document: () => unknown): Router {
  const router = express.Router();
  let cached: unknown;
  router.get('/openapi.json', (_req, res) => {
    cached ??= document();
    res.json(cached);
  });
  // The documentation pages run scripts of their own: a page-specific policy instead of the API's.
  const pagePolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' blob:; worker-src 'self' blob:";
  router.get(['/docs', '/docs/'], (_req, res) => {
    res.setHeader('Content-Security-Policy', pagePolicy);
    res.type('html').send(swaggerPage);
  });
  router.get('/docs/init.js', (_req, res) => res.type('application/javascript').send(swaggerInit));
  router.use('/docs/assets', express.static(swaggerDir, { index: false, maxAge: '1d' }));
  router.get('/redoc', (_req, res) => {
    res.setHeader('Content-Security-Policy', pagePolicy);
    res.type('html').send(redocPage);
  });
  router.get('/redoc/redoc.standalone.js', (_req, res) => res.sendFile(redocBundle, { maxAge: '1d' }));
  return router;
}
