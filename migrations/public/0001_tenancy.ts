import type { Knex } from 'knex';

/** Tenants, their users and subscriptions, and refresh-token families. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pgcrypto');
  await knex.schema.createTable('tenants', (t) => {
    t.increments('id').primary();
    t.text('business_name');
    t.text('account_type').notNullable().defaultTo('individual');
    t.text('business_type');
    t.integer('estimated_products');
    t.text('schema_name').notNullable().unique();
    t.text('status').notNullable().defaultTo('active');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.integer('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('email').notNullable();
    t.text('password_hash').notNullable();
    t.text('full_name').notNullable();
    t.text('role').notNullable().defaultTo('admin');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['tenant_id']);
  });
  await knex.raw('create unique index users_email_lower_uq on users (lower(email))');
  await knex.schema.createTable('subscriptions', (t) => {
    t.increments('id').primary();
    t.integer('tenant_id').notNullable().unique().references('tenants.id').onDelete('CASCADE');
    t.text('plan').notNullable().defaultTo('free');
    t.text('status').notNullable().defaultTo('active');
    t.jsonb('limits').notNullable().defaultTo('{}');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('refresh_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('family_id').notNullable();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('token_hash').notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['family_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['refresh_tokens', 'subscriptions', 'users', 'tenants']) await knex.schema.dropTableIfExists(table);
}
