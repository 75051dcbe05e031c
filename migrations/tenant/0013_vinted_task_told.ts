import type { Knex } from 'knex';

/**
 * `told_at`: the `updated_at` of the task's outcome its listener last heard. An outcome is stored
 * before anyone hears of it; one whose listener failed (or whose process stopped in between)
 * is told again by housekeeping until heard.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table vinted_tasks add column told_at timestamptz;
    update vinted_tasks set told_at = updated_at where state in ('succeeded', 'failed', 'expired');
    create index vinted_tasks_untold on vinted_tasks (updated_at) where state in ('succeeded', 'failed', 'expired') and told_at is distinct from updated_at;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table vinted_tasks drop column told_at');
}
