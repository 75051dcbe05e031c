import type { Knex } from 'knex';

/**
 * Idempotent replays return the first answer byte for byte: the body is kept as the text that
 * was sent (jsonb reorders keys), and each key counts the runs of its command, so a retry that
 * resumed a run cut short (a crash between the append and the stored answer) says so.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table idempotency_keys alter column body type text using body::text;
    alter table idempotency_keys add column runs integer not null default 1;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table idempotency_keys drop column runs;
    alter table idempotency_keys alter column body type jsonb using body::jsonb;
  `);
}
