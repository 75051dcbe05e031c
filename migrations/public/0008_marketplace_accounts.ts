import type { Knex } from 'knex';

/**
 * Which tenant a marketplace account belongs to. eBay and Etsy notify one endpoint per
 * application, naming the seller's account (eBay's user id, Etsy's shop id), and the Vinted
 * extension names its member: this is how such a message finds its tenant without looking into
 * every tenant's schema. One account may be connected to several tenants (a seller with two
 * Stoflow accounts): a message then reaches each of them. Written when a connection is made,
 * removed when it ends.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table public.marketplace_accounts (
      marketplace text not null,
      account_id text not null,
      tenant_id integer not null references public.tenants(id) on delete cascade,
      linked_at timestamptz not null,
      primary key (marketplace, account_id, tenant_id)
    );
    create index marketplace_accounts_by_tenant on public.marketplace_accounts (tenant_id, marketplace);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists public.marketplace_accounts');
}
