import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { TestApp } from '../support/app';
import { createProduct, registerSeller, startProductsApp, type Seller } from '../products/support';
import { assertBuilt, stoflow, stoflowJson } from './support';
import { PNG } from '../products/images';
import { testTenancy } from '../support/db';

interface VerifyJson {
  identical: boolean;
  checked: { tenant: number; projection: string; identical: boolean }[];
  drift: { tenant: number; projection: string; table: string; unexpected: Record<string, unknown>[]; missing: Record<string, unknown>[] }[];
}

describe('stoflow CLI: replay, verify, export, import', () => {
  let t: TestApp;
  let seller: Seller;
  let dir: string;
  const products: { id: string; version: number }[] = [];

  /** What the seller sees: the whole product list, as the API answers it. */
  async function productList(who: Seller): Promise<unknown> {
    const res = await request(t.app).get('/api/products?limit=100').set(who.auth);
    expect(res.status).toBe(200);
    return res.body;
  }

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'stoflow-cli-export-'));
    t = await startProductsApp();
    seller = await registerSeller(t.app);
    for (const [title, price] of [
      ['Veste en jean', 39.9],
      ['Robe lin', 55],
      ['Sac cuir', 120],
    ] as const) {
      products.push(await createProduct(t.app, seller, { title, price, stock_quantity: 2 }));
    }
    const [first, second, third] = products;
    const edit = await request(t.app).patch(`/api/products/${first!.id}`).set(seller.auth).set('If-Match', `"${first!.version}"`).send({ price: 24.9, title: 'Veste en jean brut' });
    expect(edit.status).toBe(200);
    expect((await request(t.app).post(`/api/products/${second!.id}/sales`).set(seller.auth).send({ quantity: 1, unit_price: 50 })).status).toBe(201);
    expect((await request(t.app).delete(`/api/products/${third!.id}`).set(seller.auth)).status).toBeLessThan(300);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('When a read-model row is tampered with, then verify prints the difference and exits 1; after replay it exits 0', async () => {
    const tenant = String(seller.tenantId);
    expect(await stoflowJson<VerifyJson>(['verify', '--tenant', tenant])).toMatchObject({ identical: true, drift: [] });

    const [first] = products;
    await t.services.pool.query(`update ${testTenancy.table(seller.tenantId, 'products')} set price_cents = 1 where id = $1`, [first!.id]);

    const drifted = await stoflow(['verify', '--tenant', tenant]);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain(`Tenant ${tenant}, products, table products: 1 row(s) differ from the log`);
    expect(drifted.stdout).toContain(`id="${first!.id}": price_cents is 1, the log says 2490`);
    expect(drifted.stdout).toContain(`stoflow replay --tenant ${tenant}`);
    const json = await stoflowJson<VerifyJson>(['verify', '--tenant', tenant], 1);
    expect(json.drift).toEqual([expect.objectContaining({ tenant: seller.tenantId, projection: 'products', table: 'products' })]);
    expect(json.drift[0]!.unexpected).toEqual([expect.objectContaining({ id: first!.id, price_cents: 1 })]);
    expect(json.drift[0]!.missing).toEqual([expect.objectContaining({ id: first!.id, price_cents: 2490 })]);

    const replay = await stoflow(['replay', '--tenant', tenant, '--progress']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(new RegExp(`\\n +${tenant} +products +\\d+ +\\d+ +\\d+\\.\\d s`));
    // Progress goes to stderr, with a rate and an ETA.
    expect(replay.stderr).toMatch(/replay +\[#+\] 100% .* events\/s +ETA 0:00/);

    const clean = await stoflow(['verify', '--tenant', tenant]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('No drift');
    const restored = await request(t.app).get(`/api/products/${first!.id}`).set(seller.auth);
    expect(restored.body.price).toBe(24.9);
  });

  it('When a tenant is exported and imported into a fresh tenant, then verify passes and the product list is identical', async () => {
    const file = join(dir, 'tenant.ndjson');
    const exported = await stoflow(['export', String(seller.tenantId), '--out', file]);
    expect(exported.code).toBe(0);
    // Three products (seven events) and the three reservations of their SKUs.
    expect(exported.stderr).toMatch(/Exported 10 event\(s\) in 6 stream\(s\)/);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: 'stoflow-export', version: 1, tenant: seller.tenantId });
    expect(lines.at(-1)).toEqual({ format: 'stoflow-export-end', events: 10, streams: 6, files: 0 });
    expect(lines[1]).toMatchObject({ stream: `product-${products[0]!.id}`, version: 1, type: 'ProductCreated', schema_version: 2 });

    const restored = await registerSeller(t.app);
    const imported = await stoflowJson<{ tenant: number; events: number; rebuilt: { projection: string }[] }>(['import', file, '--tenant', String(restored.tenantId)]);
    expect(imported).toMatchObject({ tenant: restored.tenantId, events: 10, streams: 6 });
    expect(imported.rebuilt.map((r) => r.projection)).toContain('products');

    expect((await stoflow(['verify', '--tenant', String(restored.tenantId)])).code).toBe(0);
    expect(await productList(restored)).toEqual(await productList(seller));

    // Ids, types, schema versions, data and metadata survive; the original time is kept.
    const original = await t.services.eventStore.readLog(seller.tenantId, 0n, 100);
    const copy = await t.services.eventStore.readLog(restored.tenantId, 0n, 100);
    expect(copy.map((e) => [e.id, e.type, e.schemaVersion, e.streamId, e.streamVersion, e.data])).toEqual(
      original.map((e) => [e.id, e.type, e.schemaVersion, e.streamId, e.streamVersion, e.data]),
    );
    expect(copy.map((e) => e.metadata)).toEqual(original.map((e) => ({ ...e.metadata, imported_recorded_at: e.recordedAt.toISOString() })));

    // A second import into the now non-empty tenant is refused before writing anything.
    const again = await stoflow(['import', file, '--tenant', String(restored.tenantId)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`Tenant ${restored.tenantId} already has events`);
    expect(await t.services.eventStore.head(restored.tenantId)).toBe(copy.at(-1)!.position);
  });

  it('When a tenant with product images is exported and imported elsewhere, then the image files travel with the log', async () => {
    const owner = await registerSeller(t.app);
    const product = await createProduct(t.app, owner);
    const uploaded = await request(t.app).post(`/api/products/${product.id}/images`).set(owner.auth).attach('file', PNG, 'front.png');
    expect(uploaded.status).toBe(201);
    const url = (uploaded.body.images as { url: string }[])[0]!.url;
    const key = url.slice(url.lastIndexOf('/') + 1);
    const env = { STOFLOW_DATA_DIR: t.config.STOFLOW_DATA_DIR };

    const file = join(dir, 'with-images.ndjson');
    expect((await stoflow(['export', String(owner.tenantId), '--out', file], env)).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.file !== undefined)).toEqual([{ file: key, content_type: 'image/png', data: PNG.toString('base64') }]);
    expect(lines.at(-1)).toMatchObject({ format: 'stoflow-export-end', files: 1 });

    // Another server: the file is not there until the import brings it.
    rmSync(join(t.config.STOFLOW_DATA_DIR, 'images', key));
    expect((await request(t.app).get(url)).status).toBe(404);
    const restored = await registerSeller(t.app);
    const imported = await stoflowJson<{ files: number }>(['import', file, '--tenant', String(restored.tenantId)], 0, env);
    expect(imported.files).toBe(1);
    const served = await request(t.app).get(url);
    expect(served.status).toBe(200);
    expect(Buffer.compare(served.body as Buffer, PNG)).toBe(0);
    const detail = await request(t.app).get(`/api/products/${product.id}`).set(restored.auth);
    expect(detail.body.images.map((i: { url: string }) => i.url)).toEqual([url]);
  });

  it('When the export file goes into folders that do not exist yet, then they are created and hold the complete export only', async () => {
    const folder = join(dir, 'backups', 'daily');
    const file = join(folder, 'tenant.ndjson');
    const exported = await stoflow(['export', String(seller.tenantId), '--out', file]);
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^Exported 10 event\(s\) in 6 stream\(s\)/) });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: 'stoflow-export', tenant: seller.tenantId });
    expect(lines.at(-1)).toEqual({ format: 'stoflow-export-end', events: 10, streams: 6, files: 0 });
    expect(readdirSync(folder)).toEqual(['tenant.ndjson']);
  });

  it('When an export file is truncated or reordered, then import refuses it whole and writes nothing', async () => {
    const file = join(dir, 'good.ndjson');
    expect((await stoflow(['export', String(seller.tenantId), '--out', file])).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const target = await registerSeller(t.app);

    const truncated = join(dir, 'truncated.ndjson');
    writeFileSync(truncated, lines.slice(0, -2).join('\n'));
    const cut = await stoflow(['import', truncated, '--tenant', String(target.tenantId)]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toContain('the file is truncated');

    const reordered = join(dir, 'reordered.ndjson');
    writeFileSync(reordered, [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'));
    const swapped = await stoflow(['import', reordered, '--tenant', String(target.tenantId)]);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(/reordered\.ndjson:3: position \d+ is not after \d+/);

    const notAnExport = await stoflow(['import', join(dir, 'missing.ndjson')]);
    expect(notAnExport.code).toBe(2);
    expect(await t.services.eventStore.head(target.tenantId)).toBe(0n);
  });

  it('When the export goes to stdout, then the NDJSON is the only thing on stdout', async () => {
    const result = await stoflow(['export', String(seller.tenantId)]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { format?: string; type?: string });
    expect(lines[0]!.format).toBe('stoflow-export');
    expect(lines.at(-1)!.format).toBe('stoflow-export-end');
    expect(lines.slice(1, -1).every((l) => typeof l.type === 'string')).toBe(true);
  });
});
