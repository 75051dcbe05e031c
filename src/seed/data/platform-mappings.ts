/*
 * Marketplace identifiers for our reference codes.
 *
 * This table holds ONLY identifiers we have confirmed. A missing row means "not known yet", never
 * "no equivalent": the publisher must then ask the seller or fall back to a parent category. Do not
 * add a guessed id — a wrong id publishes a listing in the wrong place, which is worse than none.
 * Bump `version` when an existing external id changes, so listings published under the old id
 * can be found and revised.
 *
 * What is deliberately absent
 * - eBay colours, sizes and genders: eBay takes them as item-specific text ("Color", "Size",
 *   "Department"), not as ids, so they are rendered from labels at publish time.
 * - Vinted sizes: a Vinted size id depends on the catalog (and gender) the item is listed in, so
 *   one id per size code cannot be right; they are resolved per catalog when publishing.
 * - Vinted leaf catalogs and all Etsy taxonomy ids: not confirmed yet. Etsy only takes vintage,
 *   handmade and craft-supply items, so its taxonomy is chosen per listing anyway.
 * - Vinted has no grade below "satisfactory", so `for_parts` has no Vinted status.
 *
 * eBay category ids are those of the eBay US category tree (EBAY_US); other eBay sites number
 * their trees differently. eBay condition ids are the same on every site.
 */

export type Platform = 'vinted' | 'ebay' | 'etsy';
export type MappingKind = 'category' | 'condition' | 'color' | 'size' | 'gender';

export interface PlatformMappingSeed {
  platform: Platform;
  kind: MappingKind;
  internal_code: string;
  external_id: string;
  external_label: string | null;
  version?: number;
}

type Entry = readonly [internalCode: string, externalId: string, externalLabel: string];

function rows(platform: Platform, kind: MappingKind, entries: readonly Entry[]): PlatformMappingSeed[] {
  return entries.map(([internal_code, external_id, external_label]) => ({
    platform,
    kind,
    internal_code,
    external_id,
    external_label,
  }));
}

// eBay ConditionID values (Trading API ConditionID / Inventory API ConditionEnum).
const EBAY_CONDITIONS: readonly Entry[] = [
  ['new_with_tags', '1000', 'New with tags (NEW)'],
  ['new_without_tags', '1500', 'New without tags (NEW_OTHER)'],
  ['new_with_defects', '1750', 'New with defects (NEW_WITH_DEFECTS)'],
  ['like_new', '2750', 'Like new (LIKE_NEW)'],
  ['very_good', '4000', 'Used – very good (USED_VERY_GOOD)'],
  ['good', '5000', 'Used – good (USED_GOOD)'],
  ['fair', '6000', 'Used – acceptable (USED_ACCEPTABLE)'],
  ['for_parts', '7000', 'For parts or not working (FOR_PARTS_OR_NOT_WORKING)'],
];

// Vinted status_id values. Vinted has five grades; our two extra "new-ish" and "like new" grades
// land on "très bon état", the best grade that does not promise an untouched item.
const VINTED_CONDITIONS: readonly Entry[] = [
  ['new_with_tags', '6', 'Neuf avec étiquette'],
  ['new_without_tags', '1', 'Neuf sans étiquette'],
  ['new_with_defects', '2', 'Très bon état'],
  ['like_new', '2', 'Très bon état'],
  ['very_good', '2', 'Très bon état'],
  ['good', '3', 'Bon état'],
  ['fair', '4', 'Satisfaisant'],
];

// Vinted color_ids (from the item-upload colour list).
const VINTED_COLORS: readonly Entry[] = [
  ['black', '1', 'Noir'],
  ['brown', '2', 'Marron'],
  ['grey', '3', 'Gris'],
  ['beige', '4', 'Beige'],
  ['pink', '5', 'Rose'],
  ['purple', '6', 'Violet'],
  ['red', '7', 'Rouge'],
  ['yellow', '8', 'Jaune'],
  ['blue', '9', 'Bleu'],
  ['green', '10', 'Vert'],
  ['orange', '11', 'Orange'],
  ['white', '12', 'Blanc'],
  ['silver', '13', 'Argenté'],
  ['gold', '14', 'Doré'],
  ['multicolour', '15', 'Multicolore'],
  ['khaki', '16', 'Kaki'],
  ['turquoise', '17', 'Turquoise'],
  ['cream', '20', 'Crème'],
  ['apricot', '21', 'Abricot'],
  ['coral', '22', 'Corail'],
  ['burgundy', '23', 'Bordeaux'],
  ['light-pink', '24', 'Rose pâle'],
  ['lilac', '25', 'Lila'],
  ['light-blue', '26', 'Bleu clair'],
  ['navy', '27', 'Marine'],
  ['dark-green', '28', 'Vert foncé'],
  ['mustard', '29', 'Moutarde'],
  ['mint', '30', 'Menthe'],
];

// Vinted top-level catalogs; leaf catalogs are resolved at publish time until confirmed.
const VINTED_CATEGORIES: readonly Entry[] = [
  ['women', '1904', 'Femmes'],
  ['men', '5', 'Hommes'],
  ['kids', '1193', 'Enfants'],
  ['home', '1918', 'Maison'],
  ['electronics', '2994', 'Électronique'],
];

// eBay US category ids.
const EBAY_CATEGORIES: readonly Entry[] = [
  ['books', '267', 'Books & Magazines'],
  ['electronics', '293', 'Consumer Electronics'],
  ['home', '11700', 'Home & Garden'],
  ['women-clothing', '15724', "Women's Clothing"],
  ['women-t-shirts', '63869', "Women's T-Shirts"],
  ['women-blouses', '53159', "Women's Tops & Blouses"],
  ['women-dresses', '63861', "Women's Dresses"],
  ['women-jeans', '11554', "Women's Jeans"],
  ['men-clothing', '1059', "Men's Clothing"],
  ['t-shirts', '15687', "Men's T-Shirts"],
  ['shirts', '57990', "Men's Casual Button-Down Shirts"],
  ['dress-shirts', '57991', "Men's Dress Shirts"],
  ['jumpers', '11484', "Men's Sweaters"],
  ['jeans', '11483', "Men's Jeans"],
  ['trousers', '57989', "Men's Pants"],
  ['coats', '57988', "Men's Coats & Jackets"],
  ['jackets', '57988', "Men's Coats & Jackets"],
  ['suits', '3001', "Men's Suits & Suit Separates"],
  ['blazers', '3002', "Men's Blazers & Sport Coats"],
  ['waistcoats', '15691', "Men's Vests"],
  ['swimwear', '15690', "Men's Swimwear"],
  ['nightwear', '11510', "Men's Sleepwear & Robes"],
  ['ties', '15662', "Men's Ties"],
  ['sneakers', '15709', "Men's Athletic Shoes"],
  ['formal-shoes', '53120', "Men's Dress Shoes"],
];

export const PLATFORM_MAPPINGS: readonly PlatformMappingSeed[] = [
  ...rows('ebay', 'condition', EBAY_CONDITIONS),
  ...rows('ebay', 'category', EBAY_CATEGORIES),
  ...rows('vinted', 'condition', VINTED_CONDITIONS),
  ...rows('vinted', 'color', VINTED_COLORS),
  ...rows('vinted', 'category', VINTED_CATEGORIES),
];

/**
 * What a code without a row above means on each marketplace: the explicit answer the API gives
 * (GET /api/mappings) instead of silence.
 * - `inherited`: the nearest mapped ancestor category stands for it (Vinted: the extension picks
 *   the leaf catalog under it in Vinted's own form);
 * - `needs_choice`: the seller chooses the marketplace's id when publishing (the override named);
 * - `as_text`: the marketplace takes our label, not an id;
 * - `not_applicable`: the marketplace has no such field, or no equivalent worth sending.
 */
export type Coverage = 'mapped' | 'inherited' | 'needs_choice' | 'as_text' | 'not_applicable';

export interface UnmappedPolicy {
  coverage: Exclude<Coverage, 'mapped' | 'inherited'>;
  reason: string;
  /** Categories only: an ancestor's mapping stands for an unmapped category. */
  inherit?: boolean;
}

export const UNMAPPED: Record<Platform, Record<MappingKind, UnmappedPolicy>> = {
  ebay: {
    category: { coverage: 'needs_choice', reason: "eBay lists in leaf categories of each site's tree: send overrides.ebay.category_id" },
    condition: { coverage: 'not_applicable', reason: 'No eBay condition stands for it' },
    color: { coverage: 'as_text', reason: 'Sent as the Colour item specific' },
    size: { coverage: 'as_text', reason: 'Sent as the Size item specific' },
    gender: { coverage: 'as_text', reason: 'Sent as the Department item specific' },
  },
  etsy: {
    category: { coverage: 'needs_choice', reason: "Etsy's seller taxonomy is chosen per listing: send overrides.etsy.taxonomy_id" },
    condition: { coverage: 'not_applicable', reason: 'Etsy listings have no condition field: say it in the description' },
    color: { coverage: 'not_applicable', reason: 'Not sent to Etsy' },
    size: { coverage: 'not_applicable', reason: 'Not sent to Etsy' },
    gender: { coverage: 'not_applicable', reason: 'Not sent to Etsy' },
  },
  vinted: {
    category: { coverage: 'needs_choice', reason: 'No Vinted catalog is known for it: send overrides.vinted.category_id', inherit: true },
    condition: { coverage: 'not_applicable', reason: "Vinted's grades stop at satisfactory: it cannot be listed there" },
    color: { coverage: 'not_applicable', reason: 'No Vinted colour stands for it: sent without a colour' },
    size: { coverage: 'as_text', reason: "Vinted's size ids depend on the catalog: the extension picks the size by its label there" },
    gender: { coverage: 'as_text', reason: 'Vinted carries it in the catalog the item is listed in' },
  },
};
