import request from 'supertest';
import type { Express } from 'express';
import { runConnectionCommand } from '../../src/commands/connections/record-connection';
import { createProduct as createProductHandler } from '../../src/commands/products/create-product';
import { NO_PLAN_LIMITS } from '../../src/shared/plan-limits';
import type { Marketplace } from '../../src/domain/connection/connection';
import type { TestApp } from '../support/app';
import { putOnPlan } from '../support/plans';
import { createProduct, logHead, productBody, registerSeller, startProductsApp, type Seller } from '../products/support';

describe('Plan limits, enforced', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startProductsApp();
  });
  afterAll(async () => t.close());

  /** `n` products through the real handler (the arrangement; the caps are asserted over HTTP). */
  async function products(seller: Seller, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await t.services.commands.createProduct(seller.tenantId, productBody() as never, { event: { actor: seller.userId } })).product.id);
    return ids;
  }
  const post = (app: Express, seller: Seller) => request(app).post('/api/products').set(seller.auth).send(productBody());
  const subscription = async (seller: Seller) => (await request(t.app).get('/api/subscription').set(seller.auth)).body;

  it('When a free tenant has 30 active products, then the 31st is 403 naming the limit, the usage and the plan that allows it, and nothing is stored', async () => {
    const seller = await registerSeller(t.app);
    await products(seller, 29);
    expect((await post(t.app, seller)).status).toBe(201);
    const head = await logHead(t, seller);

    const refused = await post(t.app, seller);
    expect(refused.status).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 403, code: 'plan_limit_reached', limit: 'max_products', plan: 'free', allowed: 30, usage: 30, requested: 1, upgrade_to: 'starter', errors: [{ field: 'products' }] });
    expect(refused.body.detail).toBe('The free plan allows 30 active products; 30 in use; the starter plan allows it');
    expect(await logHead(t, seller)).toBe(head);
    expect((await subscription(seller)).usage).toMatchObject({ products: 30 });
  });

  it('When products are archived or sold, then they no longer count and new ones fit again', async () => {
    const seller = await registerSeller(t.app);
    const [archived, sold] = await products(seller, 30);
    expect((await post(t.app, seller)).status).toBe(403);
    expect((await request(t.app).delete(`/api/products/${archived}`).set(seller.auth)).status).toBe(204);
    expect((await post(t.app, seller)).status).toBe(201);
    expect((await post(t.app, seller)).status).toBe(403);
    expect((await request(t.app).post(`/api/products/${sold}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 20, channel: 'offline' })).status).toBe(201);
    expect((await post(t.app, seller)).status).toBe(201);
    expect((await subscription(seller)).usage.products).toBe(30);
  });

  it('When two creations race for the last slot, then exactly one is kept; when ten race for five, exactly five', async () => {
    const seller = await registerSeller(t.app);
    await products(seller, 29);
    const pair = await Promise.all([post(t.app, seller), post(t.app, seller)]);
    expect(pair.map((r) => r.status).sort()).toEqual([201, 403]);

    const other = await registerSeller(t.app);
    await products(other, 25);
    const ten = await Promise.all(Array.from({ length: 10 }, () => post(t.app, other)));
    expect(ten.filter((r) => r.status === 201)).toHaveLength(5);
    expect(ten.filter((r) => r.status === 403)).toHaveLength(5);
    const { rows } = await t.services.pool.query(`select count(*)::int as n from client_${other.tenantId}.products`);
    expect(rows[0].n).toBe(30);
  });

  it('When the early check is out of the way, then the append transaction alone still keeps exactly one of two creations at the cap', async () => {
    const seller = await registerSeller(t.app);
    await products(seller, 29);
    const unchecked = { ...t.services.productCommandDeps, limits: NO_PLAN_LIMITS };
    const raced = await Promise.allSettled([0, 1].map(() => createProductHandler(unchecked, seller.tenantId, productBody() as never, { event: { actor: seller.userId } })));
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(raced.find((r) => r.status === 'rejected')).toMatchObject({ reason: { kind: 'plan_limit', extra: { limit: 'max_products', usage: 30 } } });
  });

  it('When the plan is raised, then more fit; when it is lowered below the usage, then existing products stay editable and archivable, only new ones are refused', async () => {
    const seller = await registerSeller(t.app);
    await products(seller, 30);
    await putOnPlan(t.services, seller.tenantId, 'starter');
    const more = await createProduct(t.app, seller);
    expect((await subscription(seller)).usage.products).toBe(31);

    await putOnPlan(t.services, seller.tenantId, 'free');
    const refused = await post(t.app, seller);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ usage: 31, allowed: 30, upgrade_to: 'starter' });
    const edited = await request(t.app).patch(`/api/products/${more.id}`).set(seller.auth).set('If-Match', `"${more.version}"`).send({ price: 12.5 });
    expect(edited.status).toBe(200);
    expect((await request(t.app).get('/api/products?limit=100').set(seller.auth)).body.total).toBe(31);
    expect((await request(t.app).delete(`/api/products/${more.id}`).set(seller.auth)).status).toBe(204);
    expect((await post(t.app, seller)).status).toBe(403); // 30 active: still at the cap
  });

  it('When a business tenant creates past every other plan’s cap, then nothing is refused', async () => {
    const seller = await registerSeller(t.app);
    await putOnPlan(t.services, seller.tenantId, 'business');
    await products(seller, 31);
    expect((await post(t.app, seller)).status).toBe(201);
    expect(await subscription(seller)).toMatchObject({ plan: { code: 'business' }, limits: { max_products: null, max_marketplaces: null }, usage: { products: 32 } });
  });

  describe('Marketplaces', () => {
    const connect = (seller: Seller, marketplace: Marketplace) =>
      runConnectionCommand(t.services.commandDeps, seller.tenantId, { type: 'RecordConnection', marketplace, account: { id: `${marketplace}-${seller.tenantId}`, name: marketplace }, scopes: [], site: null, options: {}, now: new Date() }, { event: { actor: seller.userId } });
    const pairVinted = async (seller: Seller) => {
      const device = await request(t.app).post('/api/plugin/devices').set(seller.auth).send({ name: 'Chrome' });
      return request(t.app).post('/api/plugin/session').set('Authorization', `Device ${device.body.device_token}`).send({ vinted_member_id: String(seller.tenantId), vinted_login: 'lou', site: 'fr' });
    };

    it('When a free tenant has two marketplaces connected, then connecting a third is 403 naming the limit; on starter it connects', async () => {
      const seller = await registerSeller(t.app);
      await connect(seller, 'ebay');
      await connect(seller, 'etsy');
      const refused = await pairVinted(seller);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'plan_limit_reached', limit: 'max_marketplaces', plan: 'free', allowed: 2, usage: 2, upgrade_to: 'starter', errors: [{ field: 'marketplace' }] });
      expect((await t.services.eventStore.readStream(seller.tenantId, 'connection-vinted'))).toHaveLength(0);

      // Reconnecting one already connected takes no new slot.
      await expect(connect(seller, 'ebay')).resolves.toBeDefined();
      await putOnPlan(t.services, seller.tenantId, 'starter');
      expect((await pairVinted(seller)).status).toBe(200);
      expect((await subscription(seller)).usage).toMatchObject({ marketplaces: 3, connected_marketplaces: ['ebay', 'etsy', 'vinted'] });
    });

    it('When two connections race for the last slot, then the append transaction keeps exactly one', async () => {
      const seller = await registerSeller(t.app);
      await connect(seller, 'ebay');
      const raced = await Promise.allSettled([connect(seller, 'etsy'), connect(seller, 'vinted')]);
      expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(raced.find((r) => r.status === 'rejected')).toMatchObject({ reason: { kind: 'plan_limit', extra: { limit: 'max_marketplaces', usage: 2 } } });
    });

    it('When a marketplace is disconnected, then its slot is free again', async () => {
      const seller = await registerSeller(t.app);
      await connect(seller, 'ebay');
      await connect(seller, 'etsy');
      expect((await request(t.app).delete('/api/integrations/etsy').set(seller.auth)).status).toBe(204);
      expect((await pairVinted(seller)).status).toBe(200);
    });
  });
});
