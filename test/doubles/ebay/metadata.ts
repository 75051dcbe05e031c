/**
 * Metadata API v1.7.1 (/sell/metadata/v1): getItemConditionPolicies.
 *
 * From the operation description: `filter=categoryIds:{100|101|102}` limits the answer to those
 * categories (up to 50; more answer the first 50 with warning 46004); without it every category
 * is answered (here: those with a table of their own). An application token (api_scope) or a
 * user token (sell.inventory) may call it. Errors as its x-response-codes: 46001 unknown
 * marketplace, 46002 a filter of another form, 46003 a category unknown on the marketplace.
 * Assumptions: 46002 and 46003 answer 400; a category id that is not a number is unknown.
 */
import { Router } from 'express';
import { apiError, apiErrorData, type EbayErrorData } from './errors';
import { queryParam } from './http';
import { bearerAny, SCOPES } from './oauth';
import type { EbayState } from './state';
import { categoryTreeOf } from './conditions';
import { MARKETPLACES } from './validation';

export function metadataRoutes(state: EbayState): Router {
  const router = Router();
  const auth = bearerAny(state, SCOPES.api, SCOPES.inventory);

  router.get('/marketplace/:marketplaceId/get_item_condition_policies', auth, (req, res) => {
    const marketplaceId = req.params.marketplaceId as string;
    if (!(MARKETPLACES as readonly string[]).includes(marketplaceId)) throw apiError('API_METADATA', 400, 46001, 'The specified marketplace ID was not found.', [{ name: 'marketplaceId', value: marketplaceId }]);
    const filter = queryParam(req, 'filter');
    let categories: string[];
    const warnings: EbayErrorData[] = [];
    if (filter === undefined) categories = [...state.conditionPolicies.keys()];
    else {
      const ids = /^categoryIds:\{([^{}]*)\}$/.exec(filter.trim());
      if (!ids) throw apiError('API_METADATA', 400, 46002, 'The filter value is invalid. Sample supported values: filter=categoryIds:{catId1|catId2|catId3}.', [{ name: 'filter', value: filter }]);
      categories = ids[1]!.split('|').map((id) => id.trim()).filter((id) => id !== '');
      if (categories.length > 50) {
        categories = categories.slice(0, 50);
        warnings.push(apiErrorData('API_METADATA', 46004, 'Only 50 Category IDs specified in the filter are considered.'));
      }
      const unknown = categories.find((id) => !/^\d+$/.test(id));
      if (unknown !== undefined) throw apiError('API_METADATA', 400, 46003, 'The specified categoryId was not found for the marketplace.', [{ name: 'categoryId', value: unknown }]);
    }
    const itemConditionPolicies = categories.map((categoryId) => {
      const policy = state.conditionPolicy(categoryId);
      return { categoryId, categoryTreeId: categoryTreeOf(marketplaceId), itemConditionRequired: policy.itemConditionRequired, ...(policy.itemConditions.length ? { itemConditions: policy.itemConditions } : {}) };
    });
    res.json({ itemConditionPolicies, ...(warnings.length ? { warnings } : {}) });
  });

  return router;
}
