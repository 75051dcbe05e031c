import type { Knex } from 'knex';

/**
 * The shop's settings and what analytics needs to re-count its days when the time zone changes:
 *
 * - `shop_settings`: the `shop` stream as it stands (one row, from its first event; none: the
 *   default zone). Inline, so `GET /api/shop/settings` sees a change at once.
 * - `analytics_settings`: the zone the analytics tables are bucketed in, owned by the analytics
 *   projection (one row; none: Europe/Paris), guarded by the `shop` stream's version.
 * - `analytics_publications`: one row per ListingPublished, so the daily `listed` counts can be
 *   re-bucketed. Filled here from the log for listings analytics has seen already; the projection
 *   adds the rest (on conflict, nothing). With EventStoreDB holding the log, rebuild the
 *   projection (`stoflow replay --projection analytics`) to fill it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table shop_settings (
      id boolean primary key default true check (id),
      time_zone text not null,
      version integer not null,
      updated_at timestamptz not null
    );

    create table analytics_settings (
      id boolean primary key default true check (id),
      time_zone text not null default 'Europe/Paris',
      version integer not null default 0
    );

    create table analytics_publications (
      listing_id uuid not null,
      version integer not null,
      marketplace text not null,
      published_at timestamptz not null,
      primary key (listing_id, version)
    );

    insert into analytics_publications (listing_id, version, marketplace, published_at)
    select l.listing_id, e.stream_version, l.marketplace, (e.data->>'published_at')::timestamptz
      from events e join analytics_listings l on 'listing-' || l.listing_id::text = e.stream_id
     where e.type = 'ListingPublished' and e.stream_version <= l.version
    on conflict do nothing;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists analytics_publications, analytics_settings, shop_settings');
}
