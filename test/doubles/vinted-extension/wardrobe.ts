/*
 * The seller's Vinted wardrobe, in memory: what the simulated extension "does on Vinted". Item
 * ids are numeric like Vinted's; URLs follow vinted.<site>/items/<id>-<slug>.
 */

export interface WardrobeItem {
  vinted_item_id: string;
  title: string;
  price: string;
  currency: string;
  description: string;
  status: 'active' | 'sold' | 'deleted';
  url: string;
  /** What the publish task carried, as received. */
  published_from: Record<string, unknown>;
}

export interface Sale {
  vinted_item_id: string;
  order_id: string;
  price: string;
  currency: string;
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'item';

export class FakeWardrobe {
  readonly items = new Map<string, WardrobeItem>();
  readonly sales: Sale[] = [];
  private nextId: number;
  private nextOrder = 8_000_000_000;

  constructor(readonly site = 'fr', firstId = 4_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100) {
    this.nextId = firstId;
  }

  publish(fields: Record<string, unknown>): WardrobeItem {
    const id = String(this.nextId++);
    const title = typeof fields.title === 'string' ? fields.title : 'Untitled';
    const item: WardrobeItem = {
      vinted_item_id: id,
      title,
      price: String(fields.price ?? '0'),
      currency: typeof fields.currency === 'string' ? fields.currency : 'EUR',
      description: typeof fields.description === 'string' ? fields.description : '',
      status: 'active',
      url: `https://www.vinted.${this.site === 'uk' ? 'co.uk' : this.site}/items/${id}-${slug(title)}`,
      published_from: fields,
    };
    this.items.set(id, item);
    return item;
  }

  /** The item changed, or null when Vinted has no such live item. */
  update(id: string, changes: Record<string, unknown>): WardrobeItem | null {
    const item = this.items.get(id);
    if (!item || item.status !== 'active') return null;
    if (typeof changes.title === 'string') item.title = changes.title;
    if (typeof changes.description === 'string') item.description = changes.description;
    if (changes.price !== undefined) item.price = String(changes.price);
    return item;
  }

  delete(id: string): boolean {
    const item = this.items.get(id);
    if (!item || item.status === 'deleted') return false;
    item.status = 'deleted';
    return true;
  }

  /** A buyer bought it on Vinted. */
  sell(id: string, orderId = String(this.nextOrder++)): Sale {
    const item = this.items.get(id);
    if (!item) throw new Error(`no item ${id} in the wardrobe`);
    item.status = 'sold';
    const sale = { vinted_item_id: id, order_id: orderId, price: item.price, currency: item.currency };
    this.sales.push(sale);
    return sale;
  }

  listed(): WardrobeItem[] {
    return [...this.items.values()].filter((i) => i.status !== 'deleted');
  }
}
