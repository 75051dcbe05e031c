/*
 * Building a tenant's history at chosen moments: a clock the test sets, the command handlers the
 * API and sync call, and listings moved through their own decider (as the publishing reactors
 * do, without a marketplace). The analytics projection is eventual: `project` runs it for one
 * tenant, as the processor would, so figures are read once it has caught up.
 */
import { randomUUID } from 'node:crypto';
import { runCommand, type CommandMetadata } from '../../src/commands/command';
import { recordMarketplaceSale } from '../../src/commands/products/record-sale';
import { recordSaleCosts } from '../../src/commands/products/record-sale-costs';
import { returnSale } from '../../src/commands/products/return-sale';
import type { SaleAmounts } from '../../src/domain/product/commands';
import { listingDecider, listingStream, type ListingCommand } from '../../src/domain/listing/listing';
import { createTenantRunner } from '../../src/engine/tenant-runner';
import type { Clock } from '../../src/infra/clock';
import { analyticsProjection } from '../../src/projections/analytics';
import type { CreateProductInput } from '../../src/shared/product-fields';
import { startTestApp, type TestApp } from '../support/app';
import { testTenancy } from '../support/db';

export interface SetClock extends Clock {
  set(at: string | Date): void;
}

export function settableClock(start = '2026-01-01T00:00:00Z'): SetClock {
  let now = new Date(start);
  return { now: () => new Date(now), set: (at) => (now = new Date(at)) };
}

export interface AnalyticsApp extends TestApp {
  clock: SetClock;
}

export async function startAnalyticsApp(): Promise<AnalyticsApp> {
  const clock = settableClock();
  const t = await startTestApp({}, { clock });
  return { ...t, clock };
}

const who = (tenant: number): CommandMetadata => ({ event: { actor: `test:${tenant}` } });

/** The commands of a seller's history, each at the moment given. */
export function history(t: AnalyticsApp, tenant: number) {
  const at = (moment: string) => t.clock.set(moment);
  const listing = async (listingId: string, command: ListingCommand) => {
    await runCommand(t.services.commandDeps, tenant, { stream: listingStream(listingId), decider: listingDecider, command }, { ...who(tenant), expectedVersion: undefined });
  };
  // One listing per product and marketplace: publishing there again queues the same listing again.
  const listingIds = new Map<string, string>();
  return {
    async create(moment: string, input: CreateProductInput): Promise<string> {
      at(moment);
      const { product } = await t.services.commands.createProduct(tenant, input, who(tenant));
      return product.id;
    },
    async edit(moment: string, productId: string, changes: Record<string, unknown>): Promise<void> {
      at(moment);
      await t.services.commands.editProduct(tenant, { product_id: productId, changes } as never, { ...who(tenant), expectedVersion: 'any' });
    },
    async archive(moment: string, productId: string): Promise<void> {
      at(moment);
      await t.services.commands.archiveProduct(tenant, { product_id: productId } as never, who(tenant));
    },
    /** Queued, started and published at the same moment: live from then on. Returns the listing id. */
    async publish(moment: string, productId: string, marketplace: 'ebay' | 'etsy' | 'vinted'): Promise<string> {
      at(moment);
      const key = `${productId}:${marketplace}`;
      const id = listingIds.get(key) ?? randomUUID();
      listingIds.set(key, id);
      const now = new Date(moment);
      await listing(id, { type: 'QueueListing', listingId: id, productId, marketplace, overrides: {}, now });
      await listing(id, { type: 'StartPublishing', now });
      await listing(id, { type: 'RecordPublished', external: { item_id: id.slice(0, 8) }, url: null, productVersion: 1, now });
      return id;
    },
    async delist(moment: string, listingId: string): Promise<void> {
      at(moment);
      await listing(listingId, { type: 'RequestDelist', reason: 'seller', now: new Date(moment) });
      await listing(listingId, { type: 'RecordDelisted', now: new Date(moment) });
    },
    async soldHere(moment: string, listingId: string): Promise<void> {
      at(moment);
      await listing(listingId, { type: 'MarkSoldHere', now: new Date(moment) });
    },
    /** The seller chooses the zone the shop's days are counted in. */
    async changeZone(moment: string, timeZone: string): Promise<void> {
      at(moment);
      await t.services.commands.changeShopTimeZone(tenant, { time_zone: timeZone }, who(tenant));
    },
    /** Answers the sale's id. A marketplace reports fees and the shipping its buyer paid, never the seller's postage. */
    async sell(moment: string, productId: string, channel: 'offline' | 'ebay' | 'etsy' | 'vinted', quantity: number, unitPrice: number, amounts: SaleAmounts = {}): Promise<string> {
      at(moment);
      if (channel === 'offline') return (await t.services.commands.recordSale(tenant, { product_id: productId, quantity, unit_price: unitPrice, channel, ...amounts }, who(tenant))).sale.id;
      const saleId = randomUUID();
      await recordMarketplaceSale(t.services.productCommandDeps, tenant, { product_id: productId, sale_id: saleId, marketplace: channel, quantity, unit_price: unitPrice, fees: amounts.fees, shipping_charged: amounts.shipping_charged }, who(tenant));
      return saleId;
    },
    /** A sale comes back. */
    async returnSale(moment: string, productId: string, saleId: string, body: { refund?: number; restock?: boolean } = {}): Promise<void> {
      at(moment);
      await returnSale(t.services.commandDeps, tenant, { product_id: productId, sale_id: saleId, ...body }, who(tenant));
    },
    /** The seller sets a sale's fees and shipping afterwards. */
    async costs(moment: string, productId: string, saleId: string, amounts: SaleAmounts): Promise<void> {
      at(moment);
      await recordSaleCosts(t.services.commandDeps, tenant, { product_id: productId, sale_id: saleId, ...amounts }, who(tenant));
    },
  };
}

/** Catches the analytics projection up for one tenant (batches of `batchSize` events). */
export async function project(t: TestApp, tenant: number, batchSize = 1000): Promise<void> {
  const runner = createTenantRunner({
    pool: t.services.pool,
    tenancy: testTenancy,
    store: t.services.eventStore,
    projections: [analyticsProjection],
    reactors: [],
    logger: t.services.logger,
    clock: t.services.clock,
    ids: t.services.ids,
    batchSize,
  });
  await runner.run(tenant);
}

export function product(overrides: Partial<CreateProductInput> & { sku: string }): CreateProductInput {
  return { title: `Item ${overrides.sku}`, price: 10, cost_price: 4, stock_quantity: 1, category: 't-shirts', brand: 'Nike', condition: 'very_good', ...overrides };
}
