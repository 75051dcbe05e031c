import type { Decider } from '../shared/decider';
import type { ProductCommand } from './commands';
import { decide } from './decide';

export { editable } from './decide';
import type { ProductEvent } from './events';
import { evolve, initialState, type ProductState } from './state';

/** The product aggregate: catalogue item, price, stock and lifecycle (draft → sold → archived). */
export const productDecider: Decider<ProductCommand, ProductEvent, ProductState> = { initialState, evolve, decide };

export * from './commands';
export * from './events';
export { productStream, productIdOfStream } from './stream';
export type { Product, ProductImage, ProductState } from './state';
export { skuStream, reserveSku, releaseSku, skuIsFree, type SkuReserved, type SkuReleased, type SkuEvent } from './sku';
