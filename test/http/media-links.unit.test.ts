import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { mediaRouter } from '../../src/http/media';
import { createMediaLinks, MEDIA_LINK_PATH } from '../../src/infra/media-links';
import { fileStorage, newObjectKey } from '../../src/infra/storage';

const SECRET = 'a-signing-secret-of-at-least-32-characters';

describe('Short-lived photo links', () => {
  let now = new Date('2026-12-03T10:00:00Z');
  const links = createMediaLinks({ secret: SECRET, publicBaseUrl: 'https://stoflow.example/', ttlMs: 60 * 60_000, now: () => now });
  const file = newObjectKey('image/jpeg');
  const tokenOf = (url: string) => url.slice(`https://stoflow.example${MEDIA_LINK_PATH}/`.length);

  afterEach(() => {
    now = new Date('2026-12-03T10:00:00Z');
  });

  it('When a link is made, then it opens to the photo until it expires, and not after', () => {
    const url = links.link(file);
    expect(url).toMatch(/^https:\/\/stoflow\.example\/media\/l\/[\w-]+\.jpg$/);
    expect(url).not.toContain(file.split('.')[0]);
    expect(links.open(tokenOf(url))).toEqual({ file, expiresAt: new Date('2026-12-03T11:00:00Z'), remainingMs: 3_600_000 });
    now = new Date('2026-12-03T10:59:59Z');
    expect(links.open(tokenOf(url))).toMatchObject({ file });
    now = new Date('2026-12-03T11:00:00Z');
    expect(links.open(tokenOf(url))).toEqual({ refused: 'expired' });
  });

  it('When links are made for one photo within the same minute, then they are equal; a later minute gives another', () => {
    now = new Date('2026-12-03T10:00:10Z');
    const first = links.link(file);
    now = new Date('2026-12-03T10:00:50Z');
    expect(links.link(file)).toBe(first);
    now = new Date('2026-12-03T10:01:01Z');
    expect(links.link(file)).not.toBe(first);
    expect(links.link(newObjectKey('image/jpeg'))).not.toBe(links.link(file));
  });

  it('When a token is altered, bears another extension, or was sealed with another secret, then it opens nothing', () => {
    const token = tokenOf(links.link(file));
    const [body] = token.split('.') as [string];
    const flipped = `${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}.jpg`;
    expect(links.open(flipped)).toEqual({ refused: 'invalid' });
    expect(links.open(`${body}.png`)).toEqual({ refused: 'invalid' });
    expect(links.open(`${body.slice(0, -4)}.jpg`)).toEqual({ refused: 'invalid' });
    expect(links.open('not-a-token')).toEqual({ refused: 'invalid' });
    expect(links.open('')).toEqual({ refused: 'invalid' });
    const other = createMediaLinks({ secret: `${SECRET}-other`, publicBaseUrl: 'https://stoflow.example', ttlMs: 60 * 60_000, now: () => now });
    expect(other.open(token)).toEqual({ refused: 'invalid' });
    expect(() => links.link('../../etc/passwd')).toThrow(/Not a stored object/);
  });

  describe('served by the media route', () => {
    const root = mkdtempSync(join(tmpdir(), 'stoflow-media-'));
    const storage = fileStorage(root);
    const app = express().use(mediaRouter(storage, links));
    const bytes = Buffer.from('a photo of a denim jacket');
    beforeAll(() => storage.put(file, bytes, 'image/jpeg'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('When a marketplace fetches a link, then it gets the photo, cacheable no longer than the link lives; once expired, 410', async () => {
      now = new Date('2026-12-01T08:00:00Z');
      const old = new URL(links.link(file)).pathname;
      now = new Date('2026-12-02T08:00:00Z');
      const fresh = links.link(file);
      const res = await request(app).get(new URL(fresh).pathname);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(Buffer.compare(res.body as Buffer, bytes)).toBe(0);
      const maxAge = Number(/max-age=(\d+)/.exec(res.headers['cache-control'] as string)![1]);
      expect(maxAge).toBe(3600);

      // Made a day earlier, for an hour.
      const expired = await request(app).get(old);
      expect(expired.status).toBe(410);
      expect(expired.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(expired.body.code).toBe('media_link_expired');
    });

    it('When a link is forged, or names a photo that is gone, then 404; the permanent address still serves the seller', async () => {
      expect((await request(app).get(`${MEDIA_LINK_PATH}/${'A'.repeat(86)}.jpg`)).status).toBe(404);
      expect((await request(app).get(new URL(links.link(newObjectKey('image/jpeg'))).pathname)).status).toBe(404);
      const permanent = await request(app).get(`/media/${file}`);
      expect(permanent.status).toBe(200);
      expect(permanent.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });
  });
});
