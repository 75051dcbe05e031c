import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { productStream, type ProductEvent } from '../../src/domain/product/decider';
import { createInlineProjector } from '../../src/engine/inline';
import { tablesOf } from '../../src/engine/projection';
import { rebuildProjection, verifyProjection } from '../../src/engine/rebuild';
import { productUpcasters } from '../../src/domain/product/upcasters';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { EventStore } from '../../src/eventstore/types';
import type { Pool } from '../../src/infra/db/postgres';
import { productsProjection } from '../../src/projections/products';
import { createTestTenant, testKnex, testPool, testTenancy } from '../support/db';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function createdEvent(id: string, sku: string, overrides: Record<string, unknown> = {}): ProductEvent {
  return {
    type: 'ProductCreated',
    data: {
      product_id: id,
      sku,
      title: `Wool coat ${sku}`,
      description: 'Camel, belted',
      price_cents: 8900,
      cost_price_cents: 2000,
      stock_quantity: 3,
      category: 'women-t-shirts',
      brand: 'Zara',
      size: 'm',
      color: 'camel',
      gender: 'women',
      condition: 'very_good',
      created_at: at(0),
      ...overrides,
    },
  } as ProductEvent;
}

const image = (imageId: string, position: number, minute: number): ProductEvent => ({
  type: 'ProductImageAdded',
  data: { image_id: imageId, file: `${'a'.repeat(63)}${position}.jpg`, content_type: 'image/jpeg', size_bytes: 100 + position, position, added_at: at(minute) },
});

/** A product's whole life: created, edited, priced, restocked, pictured, partly sold. */
function lifeOf(id: string, sku: string): ProductEvent[] {
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  return [
    createdEvent(id, sku),
    { type: 'ProductDetailsUpdated', data: { changes: { title: `Camel coat ${sku}`, brand: null, cost_price_cents: 2500 }, updated_at: at(1) } },
    { type: 'ProductPriceChanged', data: { price_cents: 7900, previous_price_cents: 8900, changed_at: at(2) } },
    { type: 'ProductStockAdjusted', data: { stock_quantity: 4, delta: 1, adjusted_at: at(3) } },
    image(a, 0, 4),
    image(b, 1, 4),
    image(c, 2, 4),
    { type: 'ProductImagesReordered', data: { image_ids: [c, a, b], reordered_at: at(5) } },
    { type: 'ProductImageRemoved', data: { image_id: a, removed_at: at(6) } },
    { type: 'ProductSold', data: { sale_id: randomUUID(), quantity: 1, unit_price_cents: 7500, channel: 'offline', fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0, remaining_stock: 3, sold_at: at(7) } },
  ];
}

describe('products projection', () => {
  let knex: Knex;
  let pool: Pool;
  let store: EventStore;

  beforeAll(() => {
    knex = testKnex();
    pool = testPool(10);
    // The projector reads missed events back through the store it serves.
    store = createPostgresEventStore({ tenancy: testTenancy, pool, inline: createInlineProjector([productsProjection], testTenancy, () => store), upcasters: productUpcasters });
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await knex.destroy();
  });

  const append = (tenant: number, id: string, events: ProductEvent[]) =>
    store.append(tenant, productStream(id), events.map((e) => ({ id: randomUUID(), ...e })), 'any');

  /** Every column but the generated search vector. */
  async function rows(tenant: number) {
    const { rows: found } = await pool.query(`select * from ${testTenancy.table(tenant, 'products')} order by id`);
    return found.map(({ search: _search, ...rest }) => rest);
  }

  async function counts(tenant: number): Promise<Record<string, number>> {
    const { rows: found } = await pool.query<{ status: string; n: number }>(`select status, n from ${testTenancy.table(tenant, 'product_counts')} where n <> 0`);
    return Object.fromEntries(found.map((r) => [r.status, Number(r.n)]));
  }

  it('When a product lives its life event by event, then its row follows every step', async () => {
    const tenant = await createTestTenant(knex);
    const id = randomUUID();
    const life = lifeOf(id, 'COAT-1');
    for (const event of life) await append(tenant, id, [event]);
    const [row] = await rows(tenant);
    const ids = (life.filter((e) => e.type === 'ProductImageAdded') as Extract<ProductEvent, { type: 'ProductImageAdded' }>[]).map((e) => e.data.image_id);
    expect(row).toMatchObject({
      id,
      sku: 'COAT-1',
      title: 'Camel coat COAT-1',
      brand: null,
      cost_price_cents: 2500,
      price_cents: 7900,
      stock_quantity: 3,
      sold_quantity: 1,
      status: 'draft',
      version: life.length,
      created_at: new Date(at(0)),
      updated_at: new Date(at(7)),
    });
    expect((row!.images as { id: string }[]).map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(await counts(tenant)).toEqual({ draft: 1 });
  });

  it('When the last unit sells and then the product is archived, then status, times and counts move with it', async () => {
    const tenant = await createTestTenant(knex);
    const id = randomUUID();
    await append(tenant, id, [createdEvent(id, 'S-1', { stock_quantity: 1 })]);
    await append(tenant, id, [{ type: 'ProductSold', data: { sale_id: randomUUID(), quantity: 1, unit_price_cents: 8000, channel: 'offline', fees_cents: 0, shipping_charged_cents: 0, shipping_paid_cents: 0, remaining_stock: 0, sold_at: at(9) } }]);
    expect(await rows(tenant)).toMatchObject([{ status: 'sold', stock_quantity: 0, sold_at: new Date(at(9)) }]);
    expect(await counts(tenant)).toEqual({ sold: 1 });
    await append(tenant, id, [{ type: 'ProductArchived', data: { archived_at: at(10) } }]);
    expect(await rows(tenant)).toMatchObject([{ status: 'archived', archived_at: new Date(at(10)), sold_at: new Date(at(9)) }]);
    expect(await counts(tenant)).toEqual({ archived: 1 });
  });

  it('When a batch is offered again, then rows and counts do not change', async () => {
    const tenant = await createTestTenant(knex);
    const id = randomUUID();
    await append(tenant, id, lifeOf(id, 'AGAIN-1'));
    const before = { rows: await rows(tenant), counts: await counts(tenant) };
    const log = await store.readLog(tenant, 0n, 1000);
    const tables = tablesOf(productsProjection, testTenancy.schema(tenant));
    await productsProjection.apply(pool, tables, log);
    await productsProjection.apply(pool, tables, log.slice(3));
    expect({ rows: await rows(tenant), counts: await counts(tenant) }).toEqual(before);
  });

  it('When many products arrive in one batch, then the result equals applying them one event at a time', async () => {
    const [oneByOne, batched] = [await createTestTenant(knex), await createTestTenant(knex)];
    const products = Array.from({ length: 30 }, (_, i) => ({ id: randomUUID(), sku: `BATCH-${i}` }));
    const lives = products.map((p) => ({ ...p, events: lifeOf(p.id, p.sku) }));
    for (const life of lives) for (const event of life.events) await append(oneByOne, life.id, [event]);
    for (const life of lives) await append(batched, life.id, life.events);
    // One apply for the whole log of the second tenant, interleaved products included.
    const log = await store.readLog(batched, 0n, 10_000);
    await pool.query(`truncate ${testTenancy.table(batched, 'products')}, ${testTenancy.table(batched, 'product_counts')}`);
    await productsProjection.apply(pool, tablesOf(productsProjection, testTenancy.schema(batched)), log);
    expect(await rows(batched)).toEqual(await rows(oneByOne));
    expect(await counts(batched)).toEqual({ draft: 30 });
  });

  it('When a second product takes a SKU in another case, then the append fails and nothing of it is stored', async () => {
    const tenant = await createTestTenant(knex);
    const [first, second] = [randomUUID(), randomUUID()];
    await append(tenant, first, [createdEvent(first, 'Dup-Sku')]);
    await expect(append(tenant, second, [createdEvent(second, 'DUP-SKU')])).rejects.toMatchObject({ code: '23505', constraint: 'products_sku_lower_uq' });
    expect(await store.readStream(tenant, productStream(second))).toEqual([]);
    expect((await rows(tenant)).map((r) => r.id)).toEqual([first]);
  });

  it('When a ProductCreated of schema v1 (euros) is in the log, then the row holds cents', async () => {
    const tenant = await createTestTenant(knex);
    const id = randomUUID();
    const { price_cents: _p, cost_price_cents: _c, ...rest } = (createdEvent(id, 'OLD-1') as Extract<ProductEvent, { type: 'ProductCreated' }>).data;
    await store.append(tenant, productStream(id), [{ id: randomUUID(), type: 'ProductCreated', schemaVersion: 1, data: { ...rest, price: 19.9, cost_price: 4.5 } }], 'no_stream');
    expect(await rows(tenant)).toMatchObject([{ price_cents: 1990, cost_price_cents: 450 }]);
  });

  it('When the read model is rebuilt from the log, then it equals the one kept up to date event by event', async () => {
    const tenant = await createTestTenant(knex);
    const products = Array.from({ length: 12 }, (_, i) => ({ id: randomUUID(), sku: `RB-${i}` }));
    for (const p of products) for (const event of lifeOf(p.id, p.sku)) await append(tenant, p.id, [event]);
    await append(tenant, products[0]!.id, [{ type: 'ProductArchived', data: { archived_at: at(20) } }]);
    const incremental = { rows: await rows(tenant), counts: await counts(tenant) };

    const result = await rebuildProjection({ tenancy: testTenancy, pool, store, tenant, projection: productsProjection, batchSize: 17 });
    expect(result.events).toBe(12 * 10 + 1);
    expect({ rows: await rows(tenant), counts: await counts(tenant) }).toEqual(incremental);
    expect(await verifyProjection({ tenancy: testTenancy, pool, store, tenant, projection: productsProjection })).toEqual([]);

    // The swapped-in tables still enforce the SKU rule under the name the create command knows.
    const dup = randomUUID();
    await expect(append(tenant, dup, [createdEvent(dup, 'rb-3')])).rejects.toMatchObject({ constraint: 'products_sku_lower_uq' });
  });
});
