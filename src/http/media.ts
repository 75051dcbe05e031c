import express, { type Response, type Router } from 'express';
import type { MediaLinks } from '../infra/media-links';
import { isObjectKey, type ObjectStorage } from '../infra/storage';
import { sendProblem } from './problem';

/**
 * The stored photos, over plain HTTP GET (no token: an <img> tag, eBay's picture service and the
 * seller's extension fetch them as they are):
 * - `/media/<name>`: the permanent address the seller's own app shows, public by an unguessable
 *   name (64 random hex digits). Names never change meaning, so responses may be cached for good.
 * - `/media/l/<token>.<ext>`: the short-lived links handed to marketplaces (src/infra/media-links.ts).
 *   An expired one answers 410, anything not sealed by this server 404; caches keep the photo no
 *   longer than the link lives.
 */
export function mediaRouter(storage: ObjectStorage, links: MediaLinks): Router {
  const router = express.Router();
  const send = (res: Response, object: { bytes: Buffer; contentType: string }, cacheControl: string) => {
    res.setHeader('Content-Type', object.contentType);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Shown on other sites too (the seller's marketplace listings, the extension's pages).
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.status(200).end(object.bytes);
  };
  router.get('/media/l/:token', async (req, res, next) => {
    try {
      const opened = links.open(req.params.token);
      if ('refused' in opened) {
        if (opened.refused === 'expired') sendProblem(res, { status: 410, code: 'media_link_expired', detail: 'This photo link has expired: the marketplace is given a new one with each update' });
        else next();
        return;
      }
      const object = await storage.get(opened.file);
      if (!object) {
        next();
        return;
      }
      const seconds = Math.min(86_400, Math.floor(opened.remainingMs / 1000));
      send(res, object, `public, max-age=${seconds}`);
    } catch (err) {
      next(err);
    }
  });
  router.get('/media/:name', async (req, res, next) => {
    try {
      const name = req.params.name;
      const object = isObjectKey(name) ? await storage.get(name) : null;
      if (!object) {
        next();
        return;
      }
      send(res, object, 'public, max-age=31536000, immutable');
    } catch (err) {
      next(err);
    }
  });
  return router;
}
