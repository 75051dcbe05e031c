import express, { type Router } from 'express';
import { isObjectKey, type ObjectStorage } from '../infra/storage';

/**
 * GET /media/<name>: uploaded files, public by unguessable name (64 random hex digits), so
 * marketplaces and the browser extension can fetch them without a token. Names never change
 * meaning, so responses may be cached for good.
 */
export function mediaRouter(storage: ObjectStorage): Router {
  const router = express.Router();
  router.get('/media/:name', async (req, res, next) => {
    try {
      const name = req.params.name;
      const object = isObjectKey(name) ? await storage.get(name) : null;
      if (!object) {
        next();
        return;
      }
      res.setHeader('Content-Type', object.contentType);
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // Shown on other sites too (the seller's marketplace listings, the extension's pages).
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      res.status(200).end(object.bytes);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
