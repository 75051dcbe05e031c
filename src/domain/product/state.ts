import { saleMoneyOf, type CompetingSale, type ProductDetails, type ProductEvent, type ProductStatus, type SaleMoney } from './events';

export interface ProductImage {
  image_id: string;
  file: string;
  content_type: string;
  size_bytes: number;
}

/** Everything the decider needs to know about one product, folded from its stream. */
export interface Product {
  id: string;
  sku: string;
  status: ProductStatus;
  details: ProductDetails;
  price_cents: number;
  stock_quantity: number;
  /** In display order. */
  images: readonly ProductImage[];
  /** Sales already recorded, oversold ones too: recording one again is a retry, not a second sale. */
  sale_ids: readonly string[];
  /** The sales recorded, oldest first: what an oversell names as the sales it competed with. */
  sales: readonly CompetingSale[];
  /** Oversells the seller has not settled yet, by sale id. */
  open_oversells: readonly string[];
  /** Every oversell detected, as the sale it would be, by sale id. */
  oversold: Readonly<Record<string, CompetingSale>>;
  /** Oversells the seller settled by finding another unit: sales after all, which can come back. */
  found_sales: readonly CompetingSale[];
  /** Each recorded sale's (and oversell's) unit price, fees and shipping, by sale id. */
  sale_money: Readonly<Record<string, SaleMoney & { unit_price_cents: number }>>;
  /** Sales that came back, by sale id. */
  sale_returns: Readonly<Record<string, { quantity: number; refund_cents: number; restocked: boolean; returned_at: string }>>;
}

/** null until ProductCreated. */
export type ProductState = Product | null;

export const initialState: ProductState = null;

function saleOf(d: Extract<ProductEvent, { type: 'ProductSold' }>['data']): CompetingSale {
  return { sale_id: d.sale_id, channel: d.channel, quantity: d.quantity, sold_at: d.sold_at, ...(d.order_id ? { order_id: d.order_id } : {}), ...(d.line_id ? { line_id: d.line_id } : {}) };
}

function oversoldSaleOf(d: Extract<ProductEvent, { type: 'OversoldDetected' }>['data']): CompetingSale {
  return { sale_id: d.sale_id, channel: d.marketplace, quantity: d.quantity, sold_at: d.detected_at, ...(d.order_id ? { order_id: d.order_id } : {}), ...(d.line_id ? { line_id: d.line_id } : {}) };
}

export function evolve(state: ProductState, event: ProductEvent): ProductState {
  if (event.type === 'ProductCreated') {
    const { product_id, sku, price_cents, stock_quantity, created_at: _at, ...details } = event.data;
    return { id: product_id, sku, status: 'draft', details, price_cents, stock_quantity, images: [], sale_ids: [], sales: [], open_oversells: [], oversold: {}, found_sales: [], sale_money: {}, sale_returns: {} };
  }
  if (state === null) return state; // nothing but a creation starts a product
  switch (event.type) {
    case 'ProductDetailsUpdated':
      return { ...state, details: { ...state.details, ...event.data.changes } };
    case 'ProductPriceChanged':
      return { ...state, price_cents: event.data.price_cents };
    case 'ProductStockAdjusted':
      return { ...state, stock_quantity: event.data.stock_quantity };
    case 'ProductImageAdded': {
      const { image_id, file, content_type, size_bytes, position } = event.data;
      const images = [...state.images];
      images.splice(position, 0, { image_id, file, content_type, size_bytes });
      return { ...state, images };
    }
    case 'ProductImageRemoved':
      return { ...state, images: state.images.filter((i) => i.image_id !== event.data.image_id) };
    case 'ProductImagesReordered': {
      const byId = new Map(state.images.map((i) => [i.image_id, i]));
      const ordered = event.data.image_ids.flatMap((id) => byId.get(id) ?? []);
      return { ...state, images: [...ordered, ...state.images.filter((i) => !event.data.image_ids.includes(i.image_id))] };
    }
    case 'ProductSold':
      return {
        ...state,
        stock_quantity: event.data.remaining_stock,
        status: event.data.remaining_stock === 0 ? 'sold' : state.status,
        sale_ids: [...state.sale_ids, event.data.sale_id],
        sales: [...state.sales, saleOf(event.data)],
        sale_money: { ...state.sale_money, [event.data.sale_id]: { ...saleMoneyOf(event.data), unit_price_cents: event.data.unit_price_cents } },
      };
    case 'OversoldDetected':
      return {
        ...state,
        sale_ids: [...state.sale_ids, event.data.sale_id],
        open_oversells: [...state.open_oversells, event.data.sale_id],
        oversold: { ...state.oversold, [event.data.sale_id]: oversoldSaleOf(event.data) },
        sale_money: { ...state.sale_money, [event.data.sale_id]: { ...saleMoneyOf(event.data), unit_price_cents: event.data.unit_price_cents } },
      };
    case 'SaleCostsRecorded':
      return { ...state, sale_money: { ...state.sale_money, [event.data.sale_id]: { unit_price_cents: 0, ...state.sale_money[event.data.sale_id], ...saleMoneyOf(event.data) } } };
    case 'OversellResolved': {
      const found = event.data.resolution === 'item_found' ? state.oversold[event.data.sale_id] : undefined;
      return {
        ...state,
        open_oversells: state.open_oversells.filter((id) => id !== event.data.sale_id),
        ...(found ? { found_sales: [...state.found_sales, found] } : {}),
      };
    }
    case 'SaleReturned':
      return {
        ...state,
        sale_returns: {
          ...state.sale_returns,
          [event.data.sale_id]: { quantity: event.data.quantity, refund_cents: event.data.refund_cents, restocked: event.data.restocked, returned_at: event.data.returned_at },
        },
        stock_quantity: event.data.stock_quantity,
        status: event.data.restocked && state.status === 'sold' ? 'draft' : state.status,
      };
    case 'ProductArchived':
      return { ...state, status: 'archived' };
    default: {
      // Exhaustive for today's events; a type this code does not know yet changes nothing.
      const _unknown: never = event;
      return state;
    }
  }
}
