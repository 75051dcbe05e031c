/*
 * A marketplace's order, from report to sale. Reporting appends the lines not seen before to the
 * order's own stream (`order-<marketplace>-<id>`), whichever path brought them — a webhook, a
 * poll, the extension — so a sale reported many times is reported once. Applying reads the order
 * from the marketplace (its SKUs and prices: a notification names only the order), finds each
 * line's product by its SKU reservation, and records the sale on it under an id that follows
 * from the line, then the line's outcome on the order. Stock reaching 0 delists every other
 * listing (the listing reactors); a line that cannot be applied — a SKU Stoflow does not know,
 * an item already sold out here (an oversell) — is recorded with its reason for the seller,
 * never dropped.
 */
import type { Marketplace } from '../../domain/connection/connection';
import { marketplaceOrderDecider, orderStream, type MarketplaceOrderCommand, type ReportPath, type ReportedLine } from '../../domain/reconciliation/marketplace-order';
import { skuStream } from '../../domain/product/decider';
import { MAX_AMOUNT_CENTS } from '../../domain/product/money';
import { DomainRuleError } from '../../shared/errors';
import type { MarketplaceOrderLine } from '../../shared/marketplace-orders';
import { deterministicUuid, runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { listingIdOf, loadProduct } from '../listings/load';
import { markListing } from '../listings/record-listing';
import { recordMarketplaceSale } from '../products/record-sale';
import type { SyncDeps } from './deps';

export interface OrderReport {
  marketplace: Marketplace;
  orderId: string;
  /** The marketplace account the order belongs to (eBay user id). */
  accountId: string;
  lines: ReportedLine[];
  via: ReportPath;
  notificationId: string | null;
}

/** Records the order's new lines; answers how many were new (0: reported before). */
export async function reportMarketplaceOrder(deps: CommandDeps, tenant: number, report: OrderReport, metadata: CommandMetadata): Promise<number> {
  const outcome = await runCommand(
    deps,
    tenant,
    {
      stream: orderStream(report.marketplace, report.orderId),
      decider: marketplaceOrderDecider,
      command: { type: 'ReportOrder', marketplace: report.marketplace, orderId: report.orderId, accountId: report.accountId, lines: report.lines, via: report.via, notificationId: report.notificationId, now: deps.clock.now() },
    },
    { ...metadata, expectedVersion: undefined },
  );
  return outcome.events.length > 0 ? (outcome.events[0]!.data as { lines: unknown[] }).lines.length : 0;
}

/** The product a SKU is reserved for now, or null. */
export async function productOfSku(store: CommandDeps['store'], tenant: number, sku: string): Promise<string | null> {
  const history = await store.readStream(tenant, skuStream(sku));
  let product: string | null = null;
  for (const e of history) {
    if (e.type === 'SkuReserved') product = (e.data as { product_id: string }).product_id;
    else if (e.type === 'SkuReleased') product = null;
  }
  return product;
}

/** The sale id of a marketplace's order line, the same however often the line is reported. */
export function saleIdOfLine(tenant: number, marketplace: Marketplace, lineId: string): string {
  return deterministicUuid(`${tenant}:${marketplace}-line:${lineId}`, 0);
}

/** A fee or shipping amount a marketplace reported, in euros; one no sale could have (over 99,999.99) is not taken. */
function reportedAmount(cents: number | undefined): number | undefined {
  return cents === undefined || !Number.isInteger(cents) || cents < 0 || cents > MAX_AMOUNT_CENTS ? undefined : cents / 100;
}

type Outcome = Extract<MarketplaceOrderCommand, { type: 'RecordLineOutcome' }>['outcome'];

/** What one line becomes: a sale recorded on its product, or why not. */
async function applyLine(
  deps: SyncDeps,
  tenant: number,
  marketplace: Marketplace,
  orderId: string,
  line: MarketplaceOrderLine | undefined,
  lineId: string,
  metadata: CommandMetadata,
): Promise<{ productId: string | null; outcome: Outcome }> {
  if (!line) return { productId: null, outcome: { applied: false, reason: 'line_not_found', detail: `the marketplace's order has no line ${lineId}` } };
  const productId = line.sku ? await productOfSku(deps.store, tenant, line.sku) : await deps.productOfListing(tenant, marketplace, line.listing_id);
  if (!productId) {
    const detail = line.sku ? `no product has the SKU ${line.sku}` : `listing ${line.listing_id} is not a listing of Stoflow's`;
    return { productId: null, outcome: { applied: false, reason: 'unknown_listing', detail } };
  }
  // The last units sold there: that listing ended by selling, before the sale sets every listing
  // delisting. A Vinted item is one unit: its sale ends it whatever stock the product has left, and
  // one sold there after the product sold out (an oversell) is gone from Vinted all the same.
  const { state: product } = await loadProduct(deps.store, tenant, productId);
  if (product && (marketplace === 'vinted' || (product.status !== 'sold' && line.quantity >= product.stock_quantity))) {
    await markListing(deps, tenant, listingIdOf(tenant, productId, marketplace), { type: 'MarkSoldHere', saleId: saleIdOfLine(tenant, marketplace, line.line_id), now: deps.clock.now() }, metadata).catch((err: unknown) => {
      // Not listed there by Stoflow (a listing made outside), or not live: the sale stands all the same.
      if (!(err instanceof DomainRuleError || (err instanceof Error && (err as { kind?: string }).kind === 'not_found'))) throw err;
    });
  }
  try {
    const saleId = saleIdOfLine(tenant, marketplace, line.line_id);
    const sale = await recordMarketplaceSale(
      deps,
      tenant,
      {
        product_id: productId,
        sale_id: saleId,
        marketplace,
        quantity: line.quantity,
        unit_price: line.unit_price_cents / 100,
        fees: reportedAmount(line.fees_cents),
        shipping_charged: reportedAmount(line.shipping_charged_cents),
        order_id: orderId,
        line_id: line.line_id,
      },
      metadata,
    );
    if (sale.oversold) return { productId, outcome: { applied: false, reason: 'oversold', detail: `sold on ${marketplace} after the stock was gone: an oversell for the seller to settle (GET /api/sync/oversells)` } };
    return { productId, outcome: { applied: true, saleId, quantity: line.quantity } };
  } catch (err) {
    // Sold here already, archived, or more than the stock: the buyer paid on the marketplace all the same.
    if (err instanceof DomainRuleError) return { productId, outcome: { applied: false, reason: err.code, detail: err.message } };
    throw err;
  }
}

/**
 * Applies the lines of a report. Reading the order may fail: a retryable failure is thrown for the
 * engine's backoff; a permanent one (the order cannot be read) refuses the lines with the reason.
 */
export async function applyReportedOrder(deps: SyncDeps, tenant: number, report: { marketplace: Marketplace; orderId: string; lines: ReportedLine[] }, metadata: CommandMetadata, readFailure?: (err: unknown) => string | null): Promise<void> {
  const stream = orderStream(report.marketplace, report.orderId);
  const record = (lineId: string, productId: string | null, outcome: Outcome) =>
    runCommand(deps, tenant, { stream, decider: marketplaceOrderDecider, command: { type: 'RecordLineOutcome', lineId, productId, outcome, now: deps.clock.now() } }, { ...metadata, expectedVersion: undefined });
  const reader = deps.orders[report.marketplace];
  let lines: MarketplaceOrderLine[];
  try {
    // A marketplace Stoflow cannot ask (Vinted): the report itself is the order, as the extension saw it.
    if (!reader) lines = report.lines.map((l) => ({ line_id: l.line_id, listing_id: l.listing_id, sku: null, quantity: l.quantity, unit_price_cents: l.unit_price_cents ?? 0, currency: l.currency ?? 'EUR' }));
    else lines = await readOrder(reader);
  } catch (err) {
    const permanent = readFailure?.(err) ?? null;
    if (permanent === null) throw err;
    for (const line of report.lines) await record(line.line_id, null, { applied: false, reason: 'order_unreadable', detail: permanent });
    return;
  }
  for (const reported of report.lines) {
    const { productId, outcome } = await applyLine(deps, tenant, report.marketplace, report.orderId, lines.find((l) => l.line_id === reported.line_id), reported.line_id, metadata);
    await record(reported.line_id, productId, outcome);
  }

  async function readOrder(reader: NonNullable<SyncDeps['orders'][Marketplace]>): Promise<MarketplaceOrderLine[]> {
    const token = await deps.credentials.accessToken(tenant, report.marketplace);
    const read = (await reader.readOrder(token, report.orderId)).lines;
    await deps.credentials.recordCall(tenant, report.marketplace);
    return read;
  }
}
