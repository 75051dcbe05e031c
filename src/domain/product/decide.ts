import { ConflictError, DomainRuleError, NotFoundError, ValidationError, type FieldProblem } from '../../shared/errors';
import type { DetailChanges, ProductChanges, ProductCommand, SaleAmounts } from './commands';
import { DETAIL_FIELDS, NO_SALE_MONEY, OVERSELL_RESOLUTIONS, type CompetingSale, type OrderRef, type OversellResolution, type ProductDetails, type ProductEvent, type SaleMoney } from './events';
import {
  MAX_IMAGES,
  checkAmount,
  checkChannel,
  checkDetailChanges,
  checkImages,
  checkNewProduct,
  checkPrice,
  checkQuantity,
  checkStock,
  sortProblems,
} from './rules';
import type { Product, ProductState } from './state';

function orderRefOf(command: { order_id?: string; line_id?: string }): OrderRef {
  return { ...(command.order_id ? { order_id: command.order_id } : {}), ...(command.line_id ? { line_id: command.line_id } : {}) };
}

/** The latest sales that took the `units` an oversell lacks (at least the latest one). */
function competingSales(product: Product, units: number): CompetingSale[] {
  const taken: CompetingSale[] = [];
  let covered = 0;
  for (let i = product.sales.length - 1; i >= 0 && (taken.length === 0 || covered < units); i--) {
    taken.unshift(product.sales[i]!);
    covered += product.sales[i]!.quantity;
  }
  return taken;
}

/** A sale's fees and shipping as typed, over `base` (what is not given stays as it is). */
function saleMoneyOf(amounts: SaleAmounts, base: SaleMoney): { value: SaleMoney; problems: FieldProblem[] } {
  const field = (name: keyof SaleAmounts, current: number) => (amounts[name] === undefined ? { value: current, problems: [] } : checkAmount(amounts[name], name));
  const fees = field('fees', base.fees_cents);
  const charged = field('shipping_charged', base.shipping_charged_cents);
  const paid = field('shipping_paid', base.shipping_paid_cents);
  return {
    value: { fees_cents: fees.value, shipping_charged_cents: charged.value, shipping_paid_cents: paid.value },
    problems: [...fees.problems, ...charged.problems, ...paid.problems],
  };
}

function refuseInvalid(problems: FieldProblem[]): void {
  if (problems.length > 0) throw new ValidationError(sortProblems(problems), true);
}

function existing(state: ProductState): Product {
  if (state === null) throw new NotFoundError('Product not found', 'product_not_found');
  return state;
}

/** Draft (and, later, published) products change; sold and archived ones are history. */
export function editable(state: ProductState): Product {
  const product = existing(state);
  if (product.status === 'sold') throw new DomainRuleError('A sold product cannot be edited', 'product_sold');
  if (product.status === 'archived') throw new DomainRuleError('An archived product cannot be edited', 'product_archived');
  return product;
}

function detailChanges(changes: ProductChanges): DetailChanges {
  const { price: _price, stock_quantity: _stock, ...details } = changes;
  return Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
}

/** Only what really differs from the current details: re-sending a form appends nothing. */
function changedDetails(product: Product, wanted: Partial<ProductDetails>): Partial<ProductDetails> {
  const changed: Partial<ProductDetails> = {};
  for (const field of DETAIL_FIELDS) {
    const value = wanted[field];
    if (value !== undefined && value !== product.details[field]) (changed as Record<string, unknown>)[field] = value;
  }
  return changed;
}

/** Edits details, price and stock together: every field checked first, then one event per kind of change. */
function decideEdit(state: ProductState, changes: ProductChanges, references: Parameters<typeof checkDetailChanges>[1], now: Date): ProductEvent[] {
  const product = editable(state);
  const details = checkDetailChanges(detailChanges(changes), references);
  const price = changes.price === undefined ? undefined : checkPrice(changes.price);
  const stockProblems = changes.stock_quantity === undefined ? [] : checkStock(changes.stock_quantity);
  refuseInvalid([...details.problems, ...(price?.problems ?? []), ...stockProblems]);

  const at = now.toISOString();
  const events: ProductEvent[] = [];
  const changed = changedDetails(product, details.value);
  if (Object.keys(changed).length > 0) events.push({ type: 'ProductDetailsUpdated', data: { changes: changed, updated_at: at } });
  if (price && price.value !== product.price_cents) {
    events.push({ type: 'ProductPriceChanged', data: { price_cents: price.value, previous_price_cents: product.price_cents, changed_at: at } });
  }
  if (changes.stock_quantity !== undefined && changes.stock_quantity !== product.stock_quantity) {
    const delta = changes.stock_quantity - product.stock_quantity;
    events.push({ type: 'ProductStockAdjusted', data: { stock_quantity: changes.stock_quantity, delta, adjusted_at: at } });
  }
  return events;
}

export function decide(command: ProductCommand, state: ProductState): ProductEvent[] {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'CreateProduct': {
      if (state !== null) throw new ConflictError('This product already exists', 'product_exists');
      const checked = checkNewProduct(command.input, command.references);
      refuseInvalid(checked.problems);
      return [{ type: 'ProductCreated', data: { product_id: command.product_id, ...checked.value, created_at: at } }];
    }
    case 'EditProduct':
      return decideEdit(state, command.changes, command.references, command.now);
    case 'AddProductImages': {
      const product = editable(state);
      refuseInvalid(checkImages(command.images));
      if (product.images.length + command.images.length > MAX_IMAGES) {
        throw new DomainRuleError(`A product holds at most ${MAX_IMAGES} images (it has ${product.images.length})`, 'too_many_images', 'file');
      }
      return command.images.map((image, i) => ({
        type: 'ProductImageAdded',
        data: { ...image, position: product.images.length + i, added_at: at },
      }));
    }
    case 'RemoveProductImage': {
      const product = editable(state);
      if (!product.images.some((i) => i.image_id === command.image_id)) throw new NotFoundError('Image not found', 'image_not_found');
      return [{ type: 'ProductImageRemoved', data: { image_id: command.image_id, removed_at: at } }];
    }
    case 'ReorderProductImages': {
      const product = editable(state);
      const current = product.images.map((i) => i.image_id);
      const wanted = command.image_ids;
      const permutation = wanted.length === current.length && new Set(wanted).size === wanted.length && wanted.every((id) => current.includes(id));
      if (!permutation) refuseInvalid([{ field: 'image_ids', message: "must list each of the product's images exactly once" }]);
      if (wanted.every((id, i) => current[i] === id)) return [];
      return [{ type: 'ProductImagesReordered', data: { image_ids: [...wanted], reordered_at: at } }];
    }
    case 'RecordProductSale':
    case 'RecordMarketplaceSale': {
      const product = existing(state);
      // A sale already recorded is a retry (same request, same marketplace order): nothing new.
      if (product.sale_ids.includes(command.sale_id)) return [];
      const unitPrice = checkPrice(command.unit_price, 'unit_price');
      // The seller records offline sales; a marketplace's come from sync, under its own name.
      const channel = command.type === 'RecordProductSale' ? checkChannel(command.channel) : { value: command.marketplace, problems: [] };
      const money = saleMoneyOf(command, NO_SALE_MONEY);
      refuseInvalid([...checkQuantity(command.quantity), ...unitPrice.problems, ...channel.problems, ...money.problems]);
      if (product.status === 'archived') throw new DomainRuleError('An archived product cannot be sold', 'product_archived');
      const short = product.status === 'sold' || command.quantity > product.stock_quantity;
      const order = command.type === 'RecordMarketplaceSale' ? orderRefOf(command) : {};
      // The buyer has paid on the marketplace: what the stock cannot cover is an oversell, for the seller to settle.
      if (short && command.type === 'RecordMarketplaceSale') {
        const stockBefore = product.status === 'sold' ? 0 : product.stock_quantity;
        return [
          {
            type: 'OversoldDetected',
            data: {
              sale_id: command.sale_id,
              marketplace: command.marketplace,
              quantity: command.quantity,
              unit_price_cents: unitPrice.value,
              stock_before: stockBefore,
              competing_sales: competingSales(product, command.quantity - stockBefore),
              detected_at: at,
              ...money.value,
              ...order,
            },
          },
        ];
      }
      if (product.status === 'sold') throw new DomainRuleError('This product is already sold out', 'product_sold', 'quantity');
      if (short) throw new DomainRuleError(`Only ${product.stock_quantity} in stock`, 'insufficient_stock', 'quantity');
      const remaining = product.stock_quantity - command.quantity;
      return [
        {
          type: 'ProductSold',
          data: { sale_id: command.sale_id, quantity: command.quantity, unit_price_cents: unitPrice.value, channel: channel.value, remaining_stock: remaining, sold_at: at, ...money.value, ...order },
        },
      ];
    }
    case 'RecordSaleCosts': {
      const product = existing(state);
      const current = product.sale_money[command.sale_id];
      if (!current) throw new NotFoundError('No sale of this product has that sale id', 'sale_not_found');
      const money = saleMoneyOf(command, current);
      refuseInvalid(money.problems);
      const v = money.value;
      if (v.fees_cents === current.fees_cents && v.shipping_charged_cents === current.shipping_charged_cents && v.shipping_paid_cents === current.shipping_paid_cents) return [];
      return [{ type: 'SaleCostsRecorded', data: { sale_id: command.sale_id, ...v, recorded_at: at } }];
    }
    case 'RecordSaleReturn': {
      const product = existing(state);
      // A sale, or an oversell settled by finding another unit (one refunded never was a sale).
      const sale = product.sales.find((s) => s.sale_id === command.sale_id) ?? product.found_sales.find((s) => s.sale_id === command.sale_id);
      if (!sale) throw new NotFoundError('No sale of this product has that sale id', 'sale_not_found');
      if (product.sale_returns[command.sale_id]) return []; // returned already: a retry
      const soldFor = product.sale_money[command.sale_id];
      const gross = sale.quantity * (soldFor?.unit_price_cents ?? 0);
      const paid = gross + (soldFor?.shipping_charged_cents ?? 0);
      const refund = command.refund === undefined ? { value: gross, problems: [] as FieldProblem[] } : checkAmount(command.refund, 'refund');
      if (refund.problems.length === 0 && refund.value > paid) refund.problems.push({ field: 'refund', message: `must be at most what the buyer paid (${(paid / 100).toFixed(2)})` });
      const reason = command.reason?.trim() ? command.reason.trim() : null;
      const problems = [...refund.problems];
      if (reason !== null && reason.length > 500) problems.push({ field: 'reason', message: 'must be at most 500 characters' });
      refuseInvalid(problems);
      const restock = command.restock ?? product.status !== 'archived';
      if (restock && product.status === 'archived') throw new DomainRuleError('An archived product cannot be restocked', 'product_archived', 'restock');
      return [
        {
          type: 'SaleReturned',
          data: {
            sale_id: command.sale_id,
            quantity: sale.quantity,
            refund_cents: refund.value,
            restocked: restock,
            stock_quantity: restock ? product.stock_quantity + sale.quantity : product.stock_quantity,
            reason,
            returned_at: at,
          },
        },
      ];
    }
    case 'ResolveOversell': {
      const product = existing(state);
      const resolution = (OVERSELL_RESOLUTIONS as readonly string[]).includes(command.resolution) ? (command.resolution as OversellResolution) : null;
      if (!resolution) refuseInvalid([{ field: 'resolution', message: `must be one of ${OVERSELL_RESOLUTIONS.join(', ')}` }]);
      const note = command.note?.trim() ? command.note.trim() : null;
      if (note !== null && note.length > 1000) refuseInvalid([{ field: 'note', message: 'must be at most 1000 characters' }]);
      if (!product.open_oversells.includes(command.sale_id)) {
        if (product.sale_ids.includes(command.sale_id)) return []; // settled already: a retry
        throw new NotFoundError('No oversell of this product has that sale id', 'oversell_not_found');
      }
      return [{ type: 'OversellResolved', data: { sale_id: command.sale_id, resolution: resolution!, note, resolved_at: at } }];
    }
    case 'ArchiveProduct': {
      const product = existing(state);
      if (product.status === 'archived') return [];
      return [{ type: 'ProductArchived', data: { archived_at: at } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unknown product command: ${JSON.stringify(unknown)}`);
    }
  }
}
