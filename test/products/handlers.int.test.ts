import { randomUUID } from 'node:crypto';
import type { CommandDeps } from '../../src/commands/command';
import { createProduct } from '../../src/commands/products/create-product';
import type { ProductCommandDeps } from '../../src/commands/products/deps';
import { recordSale } from '../../src/commands/products/record-sale';
import { createPostgresEventStore } from '../../src/eventstore/postgres-event-store';
import type { EventStore } from '../../src/eventstore/types';
import { randomIds, systemClock } from '../../src/infra/clock';
import type { Pool } from '../../src/infra/db/postgres';
import { representProduct } from '../../src/projections/products';
import { ConflictError } from '../../src/shared/errors';
import type { CreateProductInput } from '../../src/shared/product-fields';
import { startTestApp, type TestApp } from '../support/app';
import { createTestTenant, testKnex, testPool, testTenancy } from '../support/db';
import { productBody, uniqueSku } from './support';

const body = (overrides: Record<string, unknown> = {}) => productBody(overrides) as unknown as CreateProductInput;

describe('Product command handlers, called without HTTP', () => {
  let t: TestApp;
  const knex = testKnex();
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
    await knex.destroy();
  });

  it('When createProduct and recordSale are called directly, then the events, the read model and the answers agree', async () => {
    const tenant = await createTestTenant(knex);
    const deps = t.services.productCommandDeps;
    const actor = randomUUID();
    const { product, created } = await createProduct(deps, tenant, body({ stock_quantity: 2, size: 'L' }), { event: { actor, request_id: 'import-42' } });
    expect(created).toBe(true);
    expect(product).toMatchObject({ size: 'l', stock_quantity: 2, status: 'draft', version: 1 });

    // A marketplace order line as the sale id: reported twice, recorded once.
    const saleId = randomUUID();
    const sale = { product_id: product.id, sale_id: saleId, quantity: 2, unit_price: 30, channel: 'offline' };
    const first = await recordSale(deps, tenant, sale, { event: { actor } });
    const again = await recordSale(deps, tenant, sale, { event: { actor } });
    expect(first.sale).toMatchObject({ id: saleId, quantity: 2, remaining_stock: 0 });
    expect(first.product).toMatchObject({ status: 'sold', stock_quantity: 0, sold_quantity: 2, version: 2 });
    expect(again.product).toEqual(first.product);

    const stream = await t.services.eventStore.readStream(tenant, `product-${product.id}`);
    expect(stream.map((e) => e.type)).toEqual(['ProductCreated', 'ProductSold']);
    expect(stream[0]!.metadata).toMatchObject({ actor, request_id: 'import-42' });
    const row = await t.services.pool.query<{ representation: string }>(`select representation from ${testTenancy.table(tenant, 'products')} where id = $1`, [product.id]);
    expect(JSON.parse(row.rows[0]!.representation)).toEqual(first.product);
  });

  it('When twenty sales of one product race without an expected version, then each is decided again on the new state and all succeed', async () => {
    const tenant = await createTestTenant(knex);
    const deps = t.services.productCommandDeps;
    const { product } = await createProduct(deps, tenant, body({ stock_quantity: 20 }), { event: {} });
    const sales = await Promise.allSettled(Array.from({ length: 20 }, () => recordSale(deps, tenant, { product_id: product.id, quantity: 1, unit_price: 5, channel: 'offline' }, { event: {} })));
    expect(sales.filter((s) => s.status === 'rejected')).toEqual([]);
    const stream = await t.services.eventStore.readStream(tenant, `product-${product.id}`);
    expect(stream.filter((e) => e.type === 'ProductSold')).toHaveLength(20);
    expect(stream.at(-1)!.data).toMatchObject({ remaining_stock: 0 });
    // Naming a version keeps the conflict: the caller decides what to do with a changed product.
    await expect(recordSale(deps, tenant, { product_id: product.id, quantity: 1, unit_price: 5, channel: 'offline' }, { event: {}, expectedVersion: 1 })).rejects.toMatchObject({ kind: 'concurrency' });
  });

  describe('SKU uniqueness on a store that projects nothing inline', () => {
    let pool: Pool;
    let store: EventStore;
    let deps: ProductCommandDeps;
    beforeAll(() => {
      pool = testPool();
      store = createPostgresEventStore({ tenancy: testTenancy, pool });
      const commandDeps: CommandDeps = { store, clock: systemClock, ids: randomIds, readYourWrites: async () => undefined };
      deps = { ...commandDeps, references: t.services.references.resolve, represent: async (_tenant, stream) => representProduct(stream), limits: t.services.planLimits };
    });
    afterAll(async () => {
      await store.close();
      await pool.end();
    });

    it('When eight creates race for one SKU in different cases, then exactly one succeeds and the others are refused as duplicates', async () => {
      const tenant = await createTestTenant(knex);
      const sku = uniqueSku('RACE');
      const spellings = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? sku.toLowerCase() : sku.toUpperCase()));
      const results = await Promise.allSettled(spellings.map((s) => createProduct(deps, tenant, body({ sku: s }), { event: {} })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
        expect(r.reason).toBeInstanceOf(ConflictError);
        expect((r.reason as ConflictError).code).toBe('duplicate_sku');
      }
      // No read model took part: the products table of this tenant is still empty.
      expect((await pool.query(`select count(*)::int as n from ${testTenancy.table(tenant, 'products')}`)).rows[0].n).toBe(0);
      const reservation = await store.readStream(tenant, `sku-${sku.toLowerCase()}`);
      expect(reservation.map((e) => e.type)).toEqual(['SkuReserved']);
    });

    it('When a refused create would have reserved the SKU, then nothing of it is kept (the product and its reservation stand or fall together)', async () => {
      const tenant = await createTestTenant(knex);
      const sku = uniqueSku('PAIR');
      const id = randomUUID();
      await store.append(tenant, `product-${id}`, [{ id: randomUUID(), type: 'Occupied', data: {} }], 'any');
      // The product stream exists, so the append expecting none is refused: the reservation must go with it.
      await expect(
        store.appendMany(tenant, [
          { stream: `product-${id}`, events: [{ id: randomUUID(), type: 'ProductCreated', data: {} }], expected: 'no_stream' },
          { stream: `sku-${sku.toLowerCase()}`, events: [{ id: randomUUID(), type: 'SkuReserved', data: {} }], expected: 'no_stream' },
        ]),
      ).rejects.toMatchObject({ stream: `product-${id}` });
      expect(await store.readStream(tenant, `sku-${sku.toLowerCase()}`)).toEqual([]);
    });

    it('When a reservation was given back, then the SKU can be taken again', async () => {
      const tenant = await createTestTenant(knex);
      const sku = uniqueSku('FREE');
      const stream = `sku-${sku.toLowerCase()}`;
      await store.append(tenant, stream, [{ id: randomUUID(), type: 'SkuReserved', data: { sku } }, { id: randomUUID(), type: 'SkuReleased', data: { sku } }], 'no_stream');
      const { product } = await createProduct(deps, tenant, body({ sku }), { event: {} });
      expect(product.sku).toBe(sku);
      expect((await store.readStream(tenant, stream)).map((e) => e.type)).toEqual(['SkuReserved', 'SkuReleased', 'SkuReserved']);
      await expect(createProduct(deps, tenant, body({ sku }), { event: {} })).rejects.toMatchObject({ code: 'duplicate_sku' });
    });
  });
});
