import type { Knex } from 'knex';

/**
 * Shared reference data: categories, brands, colours, sizes, genders, conditions and the
 * marketplace ids they map to. Rows are seeded (src/seed), not written here, so the data can
 * evolve without a migration. Products live in tenant schemas and refer to these rows by
 * slug/code, which is why slugs and codes are the stable keys rather than serial ids.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('categories', (t) => {
    t.increments('id').primary();
    t.text('slug').notNullable().unique();
    t.integer('parent_id').references('categories.id').onDelete('SET NULL');
    // Kept alongside parent_id so the seed can link a whole batch in one statement.
    t.text('parent_slug');
    t.text('label_en').notNullable();
    t.text('label_fr').notNullable();
    t.integer('position').notNullable().defaultTo(0);
    t.integer('depth').notNullable().defaultTo(0);
    t.text('path').notNullable();
    t.boolean('is_leaf').notNullable().defaultTo(true);
    t.index(['parent_id', 'position']);
    t.index(['parent_slug']);
  });
  await knex.raw(`alter table categories add constraint categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')`);

  await knex.schema.createTable('brands', (t) => {
    t.increments('id').primary();
    t.text('name').notNullable();
    t.text('slug').notNullable().unique();
  });
  // Brand lookups are case-insensitive: this index both enforces it and serves them.
  await knex.raw('create unique index brands_name_lower_uq on brands (lower(name))');

  await knex.schema.createTable('colors', (t) => {
    t.text('slug').primary();
    t.text('label_en').notNullable();
    t.text('label_fr').notNullable();
    t.text('hex');
    t.integer('position').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('sizes', (t) => {
    t.increments('id').primary();
    t.text('code').notNullable().unique();
    t.text('system').notNullable();
    t.text('label').notNullable();
    t.integer('position').notNullable().defaultTo(0);
    t.index(['system', 'position']);
  });
  await knex.raw(
    `alter table sizes add constraint sizes_system_check check (system in ('letter', 'eu_clothing', 'waist', 'eu_shoe', 'uk_shoe', 'us_shoe', 'kids_age', 'one_size'))`,
  );

  await knex.schema.createTable('genders', (t) => {
    t.text('code').primary();
    t.text('label_en').notNullable();
    t.text('label_fr').notNullable();
    t.integer('position').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('conditions', (t) => {
    t.text('code').primary();
    t.text('label_en').notNullable();
    t.text('label_fr').notNullable();
    t.text('description_en').notNullable();
    t.integer('position').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('platform_mappings', (t) => {
    t.increments('id').primary();
    t.text('platform').notNullable();
    t.text('kind').notNullable();
    t.text('internal_code').notNullable();
    t.text('external_id').notNullable();
    t.text('external_label');
    t.integer('version').notNullable().defaultTo(1);
    t.unique(['platform', 'kind', 'internal_code']);
    // Reverse lookups (importing a marketplace listing back into a product).
    t.index(['platform', 'kind', 'external_id']);
  });
  await knex.raw(`alter table platform_mappings add constraint platform_mappings_platform_check check (platform in ('vinted', 'ebay', 'etsy'))`);
  await knex.raw(
    `alter table platform_mappings add constraint platform_mappings_kind_check check (kind in ('category', 'condition', 'color', 'size', 'gender'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['platform_mappings', 'conditions', 'genders', 'sizes', 'colors', 'brands', 'categories']) {
    await knex.schema.dropTableIfExists(table);
  }
}
