import type { Knex } from 'knex';

/** `listings`: one row per product × marketplace, as its stream says it is now (src/projections/listings.ts). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table listings (
      id uuid primary key,
      product_id uuid not null,
      marketplace text not null,
      status text not null,
      overrides jsonb not null default '{}',
      external jsonb not null default '{}',
      url text,
      attempts integer not null default 0,
      product_version integer not null default 0,
      last_error jsonb,
      queued_at timestamptz not null,
      published_at timestamptz,
      updated_at timestamptz not null,
      version integer not null,
      unique (product_id, marketplace)
    );
    create index listings_by_status on listings (marketplace, status);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists listings');
}
