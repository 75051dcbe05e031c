import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { tenantMigrations } from '../../migrations/tenant';
import { migrateSchemaInTransaction } from '../../src/infra/db/migrator';
import { testKnex } from '../support/db';

/**
 * Tenant migration 0024 on a schema whose analytics were projected already: the publications the
 * projection has counted are recorded from the log, so a later time-zone change re-counts
 * `listed` in full; those it has not reached yet are left to it. Rolled back, on a scratch schema.
 */
describe('migration 0024: analytics publications from the log', () => {
  let knex: Knex;
  beforeAll(() => {
    knex = testKnex();
  });
  afterAll(async () => knex.destroy());

  it('When listings went live before the migration, then each publication the projection counted gets its row', async () => {
    const schema = `publications_migration_${process.pid}`;
    const index = tenantMigrations.findIndex((m) => m.name === '0024_shop_settings');
    expect(index).toBeGreaterThan(0);
    const trx = await knex.transaction();
    try {
      await migrateSchemaInTransaction(trx, schema, tenantMigrations.slice(0, index));
      const [counted, unseen] = [randomUUID(), randomUUID()];
      const event = (stream: string, version: number, type: string, data: object) =>
        trx.raw(`insert into "${schema}".events (stream_id, stream_version, event_id, type, data) values (?, ?, ?, ?, ?)`, [stream, version, randomUUID(), type, JSON.stringify(data)]);
      await event(`listing-${counted}`, 1, 'ListingQueued', { listing_id: counted, product_id: randomUUID(), marketplace: 'etsy', queued_at: '2026-03-01T10:00:00Z' });
      await event(`listing-${counted}`, 2, 'ListingPublished', { external: {}, url: null, published_at: '2026-03-01T23:30:00Z' });
      await event(`listing-${counted}`, 3, 'ListingDelisted', { delisted_at: '2026-03-05T10:00:00Z' });
      await event(`listing-${counted}`, 4, 'ListingPublished', { external: {}, url: null, published_at: '2026-03-08T10:00:00Z' });
      // Appended after the projection's last batch: it will count this one itself.
      await event(`listing-${counted}`, 5, 'ListingPublished', { external: {}, url: null, published_at: '2026-03-09T10:00:00Z' });
      await event(`listing-${unseen}`, 1, 'ListingQueued', { listing_id: unseen, product_id: randomUUID(), marketplace: 'ebay', queued_at: '2026-03-01T10:00:00Z' });
      await event(`listing-${unseen}`, 2, 'ListingPublished', { external: {}, url: null, published_at: '2026-03-02T10:00:00Z' });
      await trx.raw(`insert into "${schema}".analytics_listings (listing_id, product_id, marketplace, live, live_since, version) values (?, ?, 'etsy', true, '2026-03-08T10:00:00Z', 4)`, [counted, randomUUID()]);

      expect(await migrateSchemaInTransaction(trx, schema, tenantMigrations)).toEqual(tenantMigrations.slice(index).map((m) => m.name));

      const { rows } = await trx.raw(`select listing_id, version, marketplace, published_at from "${schema}".analytics_publications order by version`);
      expect(rows).toEqual([
        { listing_id: counted, version: 2, marketplace: 'etsy', published_at: new Date('2026-03-01T23:30:00Z') },
        { listing_id: counted, version: 4, marketplace: 'etsy', published_at: new Date('2026-03-08T10:00:00Z') },
      ]);
      expect((await trx.raw(`select count(*)::int as n from "${schema}".analytics_settings`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await trx.rollback();
    }
  });
});
