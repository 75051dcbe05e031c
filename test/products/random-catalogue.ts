/**
 * A seller working on their catalogue at random, through the real HTTP API: a seeded,
 * deterministic sequence of creates, edits, sales, stock changes, archives, image changes and
 * custom brands, with the refusals a real seller meets (stale If-Match, a sale above the stock, an
 * edit of a sold product, a duplicate SKU). The same seed always sends the same requests, so a
 * failure can be replayed with its seed.
 */
import type { Express } from 'express';
import request from 'supertest';
import { JPEG, PNG, WEBP } from './images';
import type { Seller } from './support';

/** mulberry32: small, fast, and good enough to pick test inputs; no dependency. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const chance = (p: number) => next() < p;
  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return { next, int, pick, chance, shuffle };
}

export type Random = ReturnType<typeof seededRandom>;

/** The reference values a product may use, read once from the API. */
export interface References {
  categories: string[];
  brands: string[];
  sizes: string[];
  colors: string[];
  genders: string[];
  conditions: string[];
}

interface CategoryNode {
  slug: string;
  is_leaf: boolean;
  children: CategoryNode[];
}

export async function readReferences(app: Express, seller: Seller): Promise<References> {
  const leaves = (nodes: CategoryNode[]): string[] => nodes.flatMap((n) => (n.is_leaf ? [n.slug] : leaves(n.children)));
  const list = async (kind: string, key: string) =>
    ((await request(app).get(`/api/attributes/${kind}`).set(seller.auth).expect(200)).body.items as Record<string, string>[]).map((i) => i[key]!);
  return {
    categories: leaves((await request(app).get('/api/categories').expect(200)).body.items),
    brands: await list('brands', 'name'),
    sizes: await list('sizes', 'code'),
    colors: await list('colors', 'slug'),
    genders: await list('genders', 'code'),
    conditions: await list('conditions', 'code'),
  };
}

/** What the test knows of a product, always taken from the API's last answer. */
interface Known {
  id: string;
  sku: string;
  version: number;
  stock: number;
  status: string;
  images: string[];
}

interface ProductAnswer {
  id: string;
  sku: string;
  version: number;
  stock_quantity: number;
  status: string;
  images: { id: string }[];
}

const WORDS = ['veste', 'jean', 'robe', 'pull', 'marin', 'lin', 'vintage', 'Levi’s', '501', 'taille M', '“rare”', 'coton bio', 'cuir', 'années 90', 'Ça va', '—', 'x'];
const FILES: [Buffer, string][] = [
  [JPEG, 'front.jpg'],
  [PNG, 'back.png'],
  [WEBP, 'label.webp'],
];

export interface SessionOptions {
  steps: number;
  /** Prefix of the SKUs and brand names, unique per session. */
  tag: string;
  /**
   * End by selling out or archiving every product still on offer, as a seller closing their shop
   * does: statuses empty out, which is where read models tend to keep rows a replay never writes.
   */
  windDown?: boolean;
}

/** Runs random commands for one seller; every answer is checked against what was sent. */
export async function randomSession(app: Express, seller: Seller, refs: References, random: Random, options: SessionOptions) {
  const { steps, tag } = options;
  const products: Known[] = [];
  const customBrands: string[] = [];
  let created = 0;
  const api = () => request(app);
  const fail = (what: string, res: request.Response): never => {
    throw new Error(`${what}: expected another answer, got ${res.status} ${JSON.stringify(res.body)}`);
  };
  const expectStatus = (what: string, res: request.Response, ...statuses: number[]) => {
    if (!statuses.includes(res.status)) fail(what, res);
  };
  const learn = (body: ProductAnswer) => {
    const known: Known = { id: body.id, sku: body.sku, version: body.version, stock: body.stock_quantity, status: body.status, images: body.images.map((i) => i.id) };
    const at = products.findIndex((p) => p.id === body.id);
    if (at >= 0) products[at] = known;
    else products.push(known);
    return known;
  };
  const reread = async (product: Known) => learn((await api().get(`/api/products/${product.id}`).set(seller.auth).expect(200)).body);

  const title = () => Array.from({ length: random.int(1, 5) }, () => random.pick(WORDS)).join(' ');
  const money = (min: number) => random.int(min, 9_999_999) / 100;
  const brand = () => {
    const roll = random.next();
    if (roll < 0.25) return null;
    if (roll < 0.4 && customBrands.length > 0) return random.pick(customBrands).toLowerCase();
    const name = random.pick(refs.brands);
    // Upper case only where it round-trips through lower case (ASCII), as a seller would type it.
    return random.chance(0.3) && /^[\x20-\x7e]+$/.test(name) ? name.toUpperCase() : name;
  };
  const optional = <T>(value: () => T): T | undefined => (random.chance(0.7) ? value() : undefined);
  const drafts = () => products.filter((p) => p.status === 'draft');

  const actions: [number, () => Promise<void>][] = [
    [
      3,
      async () => {
        const sku = `${tag}-${created++}-${random.int(0, 0xffff).toString(16)}`;
        const body = {
          sku: random.chance(0.5) ? sku : sku.toLowerCase(),
          title: title(),
          description: optional(() => (random.chance(0.2) ? null : title())),
          price: money(1),
          cost_price: optional(() => (random.chance(0.2) ? null : money(0))),
          stock_quantity: optional(() => random.int(0, 4)),
          category: random.pick(refs.categories),
          brand: optional(brand),
          size: optional(() => random.pick(refs.sizes)),
          color: optional(() => random.pick(refs.colors)),
          gender: optional(() => random.pick(refs.genders)),
          condition: random.pick(refs.conditions),
        };
        const res = await api().post('/api/products').set(seller.auth).send(body);
        expectStatus('create', res, 201);
        learn(res.body);
      },
    ],
    [
      1,
      async () => {
        // The SKU rule holds in any case: the duplicate is refused and appends nothing.
        if (products.length === 0) return;
        const taken = random.pick(products).sku;
        const res = await api().post('/api/products').set(seller.auth).send({ sku: taken.toUpperCase(), title: 'Doublon', price: 10, category: random.pick(refs.categories), condition: random.pick(refs.conditions) });
        expectStatus('duplicate sku', res, 409);
      },
    ],
    [
      4,
      async () => {
        if (products.length === 0) return;
        const product = random.pick(products);
        const changes = Object.fromEntries(
          Object.entries({
            title: optional(title),
            description: optional(() => (random.chance(0.3) ? null : title())),
            price: optional(() => money(1)),
            cost_price: optional(() => (random.chance(0.3) ? null : money(0))),
            stock_quantity: optional(() => random.int(0, 5)),
            category: optional(() => random.pick(refs.categories)),
            brand: optional(brand),
            size: optional(() => (random.chance(0.3) ? null : random.pick(refs.sizes))),
            color: optional(() => random.pick(refs.colors)),
            gender: optional(() => random.pick(refs.genders)),
            condition: optional(() => random.pick(refs.conditions)),
          }).filter(([, v]) => v !== undefined && random.chance(0.4)),
        );
        const stale = product.version > 1 && random.chance(0.15);
        const res = await api()
          .patch(`/api/products/${product.id}`)
          .set(seller.auth)
          .set('If-Match', `"${stale ? product.version - 1 : product.version}"`)
          .send(changes);
        if (stale) expectStatus('stale edit', res, 412);
        else if (product.status !== 'draft') expectStatus('edit of a sold or archived product', res, 422);
        else {
          expectStatus('edit', res, 200);
          learn(res.body);
        }
      },
    ],
    [
      3,
      async () => {
        const candidates = products.filter((p) => p.status !== 'archived');
        if (candidates.length === 0) return;
        const product = random.pick(candidates);
        const tooMany = product.stock === 0 || random.chance(0.1);
        const quantity = tooMany ? product.stock + 1 : random.int(1, product.stock);
        const res = await api().post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity, unit_price: money(1) });
        if (tooMany || product.status === 'sold') expectStatus('sale above the stock', res, 422);
        else {
          expectStatus('sale', res, 201);
          if ((learn(res.body).status === 'sold') !== (quantity === product.stock)) fail('sale status', res);
        }
      },
    ],
    [
      2,
      async () => {
        // Stock to zero (the product stays a draft) or back up.
        const candidates = drafts();
        if (candidates.length === 0) return;
        const product = random.pick(candidates);
        const stock = product.stock === 0 || random.chance(0.3) ? random.int(1, 4) : 0;
        const res = await api().patch(`/api/products/${product.id}`).set(seller.auth).set('If-Match', `"${product.version}"`).send({ stock_quantity: stock });
        expectStatus('stock change', res, 200);
        learn(res.body);
      },
    ],
    [
      1,
      async () => {
        if (products.length === 0) return;
        const product = random.pick(products);
        const res = await api().delete(`/api/products/${product.id}`).set(seller.auth);
        expectStatus('archive', res, 204);
        await reread(product);
      },
    ],
    [
      3,
      async () => {
        const candidates = drafts().filter((p) => p.images.length < 18);
        if (candidates.length === 0) return;
        const product = random.pick(candidates);
        let req = api().post(`/api/products/${product.id}/images`).set(seller.auth);
        for (let i = random.int(1, 2); i > 0; i--) {
          const [content, name] = random.pick(FILES);
          req = req.attach('file', content, name);
        }
        const res = await req;
        expectStatus('add images', res, 201);
        learn(res.body);
      },
    ],
    [
      2,
      async () => {
        const candidates = drafts().filter((p) => p.images.length > 1);
        if (candidates.length === 0) return;
        const product = random.pick(candidates);
        const res = await api().put(`/api/products/${product.id}/images/order`).set(seller.auth).send({ image_ids: random.shuffle(product.images) });
        expectStatus('reorder images', res, 200);
        learn(res.body);
      },
    ],
    [
      2,
      async () => {
        const candidates = drafts().filter((p) => p.images.length > 0);
        if (candidates.length === 0) return;
        const product = random.pick(candidates);
        const res = await api().delete(`/api/products/${product.id}/images/${random.pick(product.images)}`).set(seller.auth);
        expectStatus('remove image', res, 204);
        await reread(product);
      },
    ],
    [
      1,
      async () => {
        const name = `Atelier ${random.pick(['Nord', 'Sud', 'Lune', 'Rivière', 'Ocre'])} ${tag} ${customBrands.length}`;
        const res = await api().post('/api/attributes/brands').set(seller.auth).send({ name });
        expectStatus('custom brand', res, 201);
        customBrands.push(name);
      },
    ],
  ];
  const total = actions.reduce((sum, [weight]) => sum + weight, 0);
  for (let step = 0; step < steps; step++) {
    let roll = random.int(1, total);
    const [, act] = actions.find(([weight]) => (roll -= weight) <= 0)!;
    try {
      await act();
    } catch (err) {
      throw new Error(`step ${step}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (options.windDown) {
    for (const product of products.filter((p) => p.status === 'draft')) {
      if (product.stock > 0 && random.chance(0.5)) {
        const res = await api().post(`/api/products/${product.id}/sales`).set(seller.auth).send({ quantity: product.stock, unit_price: money(1) });
        expectStatus('selling out', res, 201);
        if (learn(res.body).status !== 'sold') fail('selling out', res);
      } else {
        await api().delete(`/api/products/${product.id}`).set(seller.auth).expect(204);
        await reread(product);
      }
    }
  }
  return { products, customBrands };
}
