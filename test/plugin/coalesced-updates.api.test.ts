// Ten quick edits of a Vinted listing are one update task, and a reaction delivered again does
// not cancel the task it queued the first time (which would leave the listing updating for ever).
import { vintedPublisher } from '../../src/commands/vinted/listing-tasks';
import type { PublicationDraft, QueuedWork } from '../../src/shared/marketplace-publisher';
import { startPluginApp, type PluginApp } from './support';

const draft = (price_cents: number): PublicationDraft => ({
  sku: 'ROBE-1',
  title: 'Robe en lin',
  description: 'Portée deux fois.',
  price_cents,
  currency: 'EUR',
  quantity: 1,
  condition: '2',
  category_id: '1904',
  aspects: { Brand: ['Sézane'], Size: ['38'] },
  image_urls: [],
  images: [],
  settings: {},
  site: 'fr',
  account: null,
  who_made: null,
  when_made: null,
  is_supply: false,
  tags: [],
  materials: [],
  color_id: null,
  package_size: null,
});

describe('Vinted updates, coalesced', () => {
  let t: PluginApp;
  beforeAll(async () => {
    t = await startPluginApp();
  });
  afterAll(() => t.close());

  it('When the same update is asked twice, then its task stays queued; when a newer one comes, then only the older is cancelled', async () => {
    const { who } = await t.seller();
    const publisher = vintedPublisher({ pool: t.services.pool, tenancy: t.services.tenancy, clock: t.services.clock, ids: t.services.ids });
    const listingId = '3b0c5a8e-1d2f-4c6b-9a7e-5f4d3c2b1a09';
    const update = (key: string, price: number): QueuedWork => ({ kind: 'update', listingId, key, draft: draft(price), external: { item_id: '4000000001' }, productVersion: 3 });
    const tasks = async () =>
      (await t.services.pool.query<{ idempotency_key: string; state: string; price: string }>(`select idempotency_key, state, payload->'item'->>'price' as price from ${t.services.tenancy.table(who.tenantId, 'vinted_tasks')} order by created_at, idempotency_key`)).rows;

    await publisher.request(who.tenantId, update('listing-1:update:7', 2590));
    await publisher.request(who.tenantId, update('listing-1:update:7', 2590));
    expect(await tasks()).toEqual([{ idempotency_key: 'listing-1:update:7', state: 'queued', price: '25.90' }]);

    await publisher.request(who.tenantId, update('listing-1:update:8', 2290));
    expect(await tasks()).toEqual([
      { idempotency_key: 'listing-1:update:7', state: 'cancelled', price: '25.90' },
      { idempotency_key: 'listing-1:update:8', state: 'queued', price: '22.90' },
    ]);
  });
});
