/*
 * Every command handler bound to its dependencies: `commands.recordSale(tenant, input, metadata)`
 * runs exactly what `POST /api/products/{id}/sales` runs. Reactors, the CLI and importers get
 * this object (or the few handlers they use); none of them goes through HTTP.
 */
import type { CommandDeps, CommandMetadata } from './command';
import { addCustomBrand } from './brands/add-custom-brand';
import { addProductImages } from './products/add-product-images';
import { archiveProduct } from './products/archive-product';
import { createProduct } from './products/create-product';
import type { ProductCommandDeps } from './products/deps';
import { editProduct } from './products/edit-product';
import { recordSale } from './products/record-sale';
import { removeProductImage } from './products/remove-product-image';
import { reorderProductImages } from './products/reorder-product-images';
import { changeShopTimeZone } from './shop/change-time-zone';
import { changePlan } from './subscription/change-plan';
import type { SubscriptionDeps } from './subscription/deps';
import type { Logger } from '../infra/logger';
import type { ObjectStorage } from '../infra/storage';

export interface HandlerDeps {
  commandDeps: CommandDeps;
  productCommandDeps: ProductCommandDeps;
  subscriptionDeps: SubscriptionDeps;
  storage: ObjectStorage;
  logger: Logger;
  sharedBrand(name: string): Promise<string | null>;
}

type Bound<D, I, R> = (deps: D, tenant: number, input: I, metadata: CommandMetadata) => Promise<R>;

function bind<D, I, R>(handler: Bound<D, I, R>, deps: D): (tenant: number, input: I, metadata: CommandMetadata) => Promise<R> {
  return (tenant, input, metadata) => handler(deps, tenant, input, metadata);
}

export function commandHandlers(d: HandlerDeps) {
  const products = d.productCommandDeps;
  return {
    createProduct: bind(createProduct, products),
    editProduct: bind(editProduct, products),
    archiveProduct: bind(archiveProduct, d.commandDeps),
    recordSale: bind(recordSale, products),
    addProductImages: bind(addProductImages, { ...products, storage: d.storage }),
    removeProductImage: bind(removeProductImage, { ...d.commandDeps, storage: d.storage, logger: d.logger }),
    reorderProductImages: bind(reorderProductImages, products),
    addCustomBrand: bind(addCustomBrand, { ...d.commandDeps, sharedBrand: d.sharedBrand }),
    changePlan: bind(changePlan, d.subscriptionDeps),
    changeShopTimeZone: bind(changeShopTimeZone, d.commandDeps),
  };
}

export type CommandHandlers = ReturnType<typeof commandHandlers>;
