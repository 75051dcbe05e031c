import { productHistoryRoute } from '../audit/product-history';
import { addCustomBrandRoute } from '../commands/add-custom-brand';
import { addProductImagesRoute } from '../commands/add-product-images';
import { archiveProductRoute } from '../commands/archive-product';
import { createProductRoute } from '../commands/create-product';
import { editProductRoute } from '../commands/edit-product';
import { recordSaleRoute } from '../commands/record-sale';
import { removeProductImageRoute } from '../commands/remove-product-image';
import { reorderProductImagesRoute } from '../commands/reorder-product-images';
import type { AnyRoute } from '../http/route';
import { imageStorage } from '../infra/storage';
import { listAttributesRoute } from '../queries/attributes';
import { listCategoriesRoute } from '../queries/categories';
import { getProductRoute } from '../queries/get-product';
import { listProductsRoute } from '../queries/list-products';
import type { Services } from '../services';

export { mediaRouter } from './media';

/** The catalogue: products, their history, and the reference data they use. */
export function productRoutes(services: Services): AnyRoute[] {
  const { pool } = services;
  const storage = imageStorage(services.config.STOFLOW_DATA_DIR);
  return [
    createProductRoute(services),
    listProductsRoute(pool),
    getProductRoute(pool),
    editProductRoute(services),
    archiveProductRoute(services),
    recordSaleRoute(services),
    addProductImagesRoute(services, storage),
    removeProductImageRoute(services, storage),
    reorderProductImagesRoute(services),
    productHistoryRoute(services.eventStore),
    listCategoriesRoute(pool),
    addCustomBrandRoute(services),
    listAttributesRoute(pool),
  ];
}
