import type { Knex } from 'knex';

/**
 * The product catalogue of a tenant.
 *
 * - `products`, `product_counts`: the `products` read model (rebuildable from the log; a change
 *   to the API representation is rolled out by rebuilding it). The
 *   unique index on lower(sku) is also the SKU rule: the read model is projected inside the
 *   append transaction, so a second product with the same SKU fails the append and nothing is
 *   stored. `search` serves `q` (title, description, SKU), prefix-matched. `product_counts` keeps
 *   the number of products per status, so a list page's `total` is a lookup, not a count over
 *   every row.
 * - `custom_brands`: brands a tenant adds to the shared list; reference data, like public.brands.
 * - `idempotency_keys`: the first answer to a POST sent with an Idempotency-Key, replayed to
 *   retries (status is null while the first request is still running).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table products (
      id uuid primary key,
      sku text not null,
      title text not null,
      description text not null default '',
      price_cents integer not null,
      cost_price_cents integer,
      stock_quantity integer not null,
      sold_quantity integer not null default 0,
      category text not null,
      brand text,
      size text,
      color text,
      gender text,
      condition text not null,
      status text not null check (status in ('draft', 'published', 'sold', 'archived')),
      images jsonb not null default '[]',
      version integer not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      sold_at timestamptz,
      archived_at timestamptz,
      -- The API representation of the row (JSON text, made by the projection): a page of fifty
      -- products is fifty stored strings joined, never rebuilt from columns on every read.
      representation text not null,
      -- Punctuation becomes spaces on both sides (here and in the query), so "JEAN-501" is found
      -- by "jean 501" and "501" alike, whatever the text parser would make of "-501".
      search tsvector generated always as (
        to_tsvector('simple', regexp_replace(sku || ' ' || title || ' ' || description, '[^[:alnum:]]+', ' ', 'g'))
      ) stored
    );
    create unique index products_sku_lower_uq on products (lower(sku));
    create index products_status_created_idx on products (status, created_at desc, id desc);
    create index products_status_price_idx on products (status, price_cents, id);
    create index products_status_title_idx on products (status, title, id);
    create index products_active_created_idx on products (created_at desc, id desc) where status <> 'archived';
    create index products_category_idx on products (category);
    create index products_brand_idx on products (lower(brand));
    create index products_search_idx on products using gin (search);

    create table product_counts (
      status text primary key,
      n bigint not null
    );

    create table custom_brands (
      name text not null,
      slug text not null,
      created_by uuid,
      created_at timestamptz not null default now()
    );
    create unique index custom_brands_name_lower_uq on custom_brands (lower(name));

    create table idempotency_keys (
      key text primary key,
      request_hash text not null,
      status integer,
      body jsonb,
      headers jsonb,
      created_at timestamptz not null default now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop table if exists idempotency_keys;
    drop table if exists custom_brands;
    drop table if exists product_counts;
    drop table if exists products;
  `);
}
