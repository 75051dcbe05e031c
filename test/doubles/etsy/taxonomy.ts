/*
 * A small seller taxonomy, answered by getSellerTaxonomyNodes
 * (GET /v3/application/seller-taxonomy/nodes, schema SellerTaxonomyNodes: { count, results } of
 * SellerTaxonomyNode { id, level, name, parent_id, children, full_path_taxonomy_ids }).
 *
 * Assumption: only "Shoes" (1429) and "Girls' Shoes" (1440) are ids Etsy itself documents (the OAS
 * uses them as the example of a taxonomy_id); the clothing ids below are illustrative, chosen near
 * where Etsy's clothing branch sits, and a test that needs real ids should pass its own nodes.
 */
export interface TaxonomyNode {
  id: number;
  level: number;
  name: string;
  parent_id: number | null;
  children: TaxonomyNode[];
  full_path_taxonomy_ids: number[];
}

interface Sketch {
  id: number;
  name: string;
  children?: Sketch[];
}

const SKETCH: Sketch[] = [
  {
    id: 374,
    name: 'Clothing',
    children: [
      { id: 448, name: "Women's Clothing", children: [{ id: 2043, name: 'Dresses' }, { id: 2044, name: 'Jackets & Coats' }, { id: 2045, name: 'Jeans' }] },
      { id: 449, name: "Men's Clothing", children: [{ id: 2046, name: 'Shirts & Tees' }, { id: 2047, name: 'Jackets & Coats' }] },
    ],
  },
  { id: 1429, name: 'Shoes', children: [{ id: 1440, name: "Girls' Shoes" }] },
  { id: 132, name: 'Bags & Purses', children: [{ id: 170, name: 'Handbags' }] },
];

function build(sketch: Sketch, parent: TaxonomyNode | null): TaxonomyNode {
  const node: TaxonomyNode = {
    id: sketch.id,
    level: parent ? parent.level + 1 : 1,
    name: sketch.name,
    parent_id: parent ? parent.id : null,
    children: [],
    full_path_taxonomy_ids: parent ? [...parent.full_path_taxonomy_ids, sketch.id] : [sketch.id],
  };
  node.children = (sketch.children ?? []).map((child) => build(child, node));
  return node;
}

export function seedTaxonomy(): TaxonomyNode[] {
  return SKETCH.map((s) => build(s, null));
}

export function findNode(nodes: TaxonomyNode[], id: number): TaxonomyNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const found = findNode(node.children, id);
    if (found) return found;
  }
  return undefined;
}
