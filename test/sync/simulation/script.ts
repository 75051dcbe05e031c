/*
 * The simulation's script: a list of actions drawn from a seeded generator, so the same seed
 * gives the same script (how the actions interleave with Stoflow's own work still varies from
 * run to run — that is what the simulation is for). Actions name products by index and leave
 * the rest to the moment they run: a sale of a listing that is no longer live is refused by the
 * marketplace, as a buyer would find it.
 */

/** mulberry32: small, fast, and the same numbers everywhere for the same seed. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)]!;
    },
    /** One of `weights`' keys, each with its weight. */
    weighted<K extends string>(weights: Record<K, number>): K {
      const entries = Object.entries(weights) as [K, number][];
      let roll = next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, weight] of entries) if ((roll -= weight) < 0) return key;
      return entries[entries.length - 1]![0];
    },
  };
}
export type Random = ReturnType<typeof seeded>;

export type Market = 'ebay' | 'etsy' | 'vinted';
/** How a sale reaches Stoflow: pushed once, pushed twice, pushed later than what follows it, or not pushed at all (found by the poll). */
export type Delivery = 'push' | 'push_twice' | 'late' | 'poll';

export type Action =
  | { kind: 'sale'; product: number; market: Market; quantity: number; delivery: Delivery }
  /** The last units bought on two marketplaces at the same moment. */
  | { kind: 'race'; product: number; markets: [Market, Market] }
  | { kind: 'price'; product: number; cents: number }
  | { kind: 'restock'; product: number; add: number }
  /** Sold in the shop: the stock goes to zero through Stoflow itself. */
  | { kind: 'offline_sale'; product: number }
  /** The seller ends the listing on the marketplace, without Stoflow. */
  | { kind: 'removal'; product: number; market: Market }
  /** The next call fails: 429, 5xx, no answer (a timeout); flaky: eBay's or Etsy's connection drops, the extension reports twice. */
  | { kind: 'fault'; market: Market; fault: 'throttled' | 'error' | 'timeout' | 'flaky' }
  /** The workers poll eBay's and Etsy's orders. */
  | { kind: 'poll' };

export interface ProductPlan {
  stock: number;
  markets: Market[];
  price_cents: number;
}

export function planProducts(random: Random, count: number): ProductPlan[] {
  return Array.from({ length: count }, () => {
    const roll = random.next();
    const markets: Market[] = roll < 0.8 ? ['ebay', 'etsy', 'vinted'] : roll < 0.9 ? ['ebay', 'etsy'] : ['ebay', 'vinted'];
    const stock = random.weighted({ 1: 70, 2: 20, 3: 10 });
    return { stock: Number(stock), markets, price_cents: 1500 + random.int(200) * 50 };
  });
}

export function writeScript(random: Random, products: ProductPlan[], length: number): Action[] {
  const actions: Action[] = [];
  for (let n = 0; n < length; n++) {
    if (n > 0 && n % 250 === 0) {
      actions.push({ kind: 'poll' });
      continue;
    }
    const product = random.int(products.length);
    const plan = products[product]!;
    const kind = random.weighted({ sale: 45, race: 3, price: 15, restock: 10, offline_sale: 2, removal: 5, fault: 10 });
    switch (kind) {
      case 'sale':
        actions.push({ kind, product, market: random.pick(plan.markets), quantity: random.chance(0.1) ? 2 : 1, delivery: random.weighted({ push: 50, push_twice: 15, late: 15, poll: 20 }) });
        break;
      case 'race': {
        const first = random.pick(plan.markets);
        const second = random.pick(plan.markets.filter((m) => m !== first));
        actions.push({ kind, product, markets: [first, second] });
        break;
      }
      case 'price':
        actions.push({ kind, product, cents: 1500 + random.int(200) * 50 });
        break;
      case 'restock':
        actions.push({ kind, product, add: 1 + random.int(2) });
        break;
      case 'offline_sale':
        actions.push({ kind, product });
        break;
      case 'removal':
        actions.push({ kind, product, market: random.pick(plan.markets) });
        break;
      case 'fault':
        actions.push({ kind, market: random.pick(['ebay', 'etsy', 'vinted'] as const), fault: random.weighted({ throttled: 35, error: 35, timeout: 15, flaky: 15 }) });
        break;
    }
  }
  return actions;
}
