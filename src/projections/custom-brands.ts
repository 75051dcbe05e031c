import type { Projection } from '../engine/projection';
import type { BrandAdded } from '../domain/brand/brand-list';

/** `custom_brands`: the tenant's own brands, next to the shared list in brand lookups. */
export const customBrandsProjection: Projection = {
  name: 'custom_brands',
  consistency: 'inline',
  tables: ['custom_brands'],
  handles: ['BrandAdded'],
  async apply(db, tables, events) {
    const added = events.filter((e) => e.type === 'BrandAdded');
    if (added.length === 0) return;
    await db.query(
      `insert into ${tables.custom_brands} (name, slug, created_by, created_at)
       select name, slug, created_by, created_at
         from jsonb_to_recordset($1::jsonb) as b(name text, slug text, created_by uuid, created_at timestamptz)
       on conflict ((lower(name))) do nothing`,
      [
        JSON.stringify(
          added.map((e) => {
            const data = e.data as BrandAdded['data'];
            const actor = e.metadata.actor;
            return { name: data.name, slug: data.slug, created_by: typeof actor === 'string' && /^[0-9a-f-]{36}$/i.test(actor) ? actor : null, created_at: data.added_at };
          }),
        ),
      ],
    );
  },
};
