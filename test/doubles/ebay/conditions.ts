/**
 * Which item conditions each category takes, as the Metadata API (v1.7.1,
 * getItemConditionPolicies) answers it and publishOffer enforces it.
 *
 * The condition ids and their ConditionEnum values (Inventory API) follow eBay's table "Item
 * condition ID and name values" (developer.ebay.com/api-docs/sell/static/metadata/condition-id-values.html),
 * to which both documents point for the mapping.
 *
 * Assumptions: every category the double is not told otherwise about is a clothing category and
 * takes the clothing conditions below; 246 (Action Figures) takes only New and Used, and the
 * trading card singles only 2750 (Graded) and 4000 (Ungraded), as the Inventory API's
 * `condition` description says of them.
 */

/** ItemCondition (Metadata API), the fields the double fills. */
export interface ItemCondition {
  conditionId: string;
  conditionDescription: string;
}

/** ItemConditionPolicy without its categoryId and categoryTreeId. */
export interface ConditionPolicy {
  itemConditionRequired: boolean;
  itemConditions: ItemCondition[];
}

/** ConditionEnum → condition id. */
export const CONDITION_IDS: Record<string, string> = {
  NEW: '1000',
  NEW_OTHER: '1500',
  NEW_WITH_DEFECTS: '1750',
  CERTIFIED_REFURBISHED: '2000',
  EXCELLENT_REFURBISHED: '2010',
  VERY_GOOD_REFURBISHED: '2020',
  GOOD_REFURBISHED: '2030',
  SELLER_REFURBISHED: '2500',
  LIKE_NEW: '2750',
  PRE_OWNED_EXCELLENT: '2990',
  USED_EXCELLENT: '3000',
  PRE_OWNED_FAIR: '3010',
  USED_VERY_GOOD: '4000',
  USED_GOOD: '5000',
  USED_ACCEPTABLE: '6000',
  FOR_PARTS_OR_NOT_WORKING: '7000',
};

const c = (conditionId: string, conditionDescription: string): ItemCondition => ({ conditionId, conditionDescription });

/** What the clothing categories take (their `conditionDescription`s as eBay US names them). */
export const CLOTHING_CONDITIONS: ConditionPolicy = {
  itemConditionRequired: true,
  itemConditions: [c('1000', 'New with tags'), c('1500', 'New without tags'), c('1750', 'New with defects'), c('2750', 'Like New'), c('2990', 'Pre-owned - Excellent'), c('3000', 'Pre-owned - Good'), c('3010', 'Pre-owned - Fair'), c('4000', 'Very Good'), c('5000', 'Good'), c('6000', 'Acceptable')],
};

/** The categories with a table of their own. */
export function seedConditionPolicies(): Map<string, ConditionPolicy> {
  return new Map<string, ConditionPolicy>([
    ['246', { itemConditionRequired: true, itemConditions: [c('1000', 'New'), c('3000', 'Used')] }],
    ['261328', { itemConditionRequired: true, itemConditions: [c('2750', 'Graded'), c('4000', 'Ungraded')] }],
  ]);
}

/** The category tree of each site (its root category id), for `categoryTreeId`. */
const CATEGORY_TREES: Record<string, string> = { EBAY_US: '0', EBAY_MOTORS: '100', EBAY_CA: '2', EBAY_GB: '3', EBAY_AU: '15', EBAY_AT: '16', EBAY_BE: '123', EBAY_FR: '71', EBAY_DE: '77', EBAY_IT: '101', EBAY_NL: '146', EBAY_ES: '186', EBAY_CH: '193', EBAY_IE: '205', EBAY_PL: '212' };

export function categoryTreeOf(marketplaceId: string): string {
  return CATEGORY_TREES[marketplaceId] ?? '0';
}
