import type { Knex } from 'knex';
import { APPEND_FUNCTION } from './0009_append_events_without_path_switch';

/**
 * append_events names the event types it appended in its notification:
 * `<schema>:<last position>:<type>,<type>,…` (each type once). A process following the log wakes
 * only the projections and reactors that handle one of them, instead of every one of them at
 * every commit — each woken lane reads the log's head and its own page, so a sale's few commits
 * cost a few reads instead of a few dozen.
 *
 * The list is left out (`<schema>:<position>`, as 0009 sends, which wakes everything) when it
 * would not fit PostgreSQL's 8,000-byte payload or a type holds a comma; readers take both forms,
 * so old and new functions coexist during a rolling start. Same arguments, outcomes, checks,
 * lock and privileges as 0009.
 */
const NOTIFY_0009 = "perform pg_notify(p_channel, p_schema || ':' || v_high);";
const NOTIFY_TYPES = `v_types := (select case when bool_or(strpos(u.type, ',') > 0) then null else string_agg(distinct u.type, ',') end
                  from unnest(p_types, v_owner) as u(type, a) where v_base[u.a] is not null);
    perform pg_notify(p_channel, p_schema || ':' || v_high || case when length(v_types) <= 7000 then ':' || v_types else '' end);`;

export function withTypedNotification(fn: string): string {
  if (!fn.includes(NOTIFY_0009) || !fn.includes('  v_stored record;\n')) throw new Error('append_events: the 0009 function is not where 0011 expects it');
  return fn.replace('  v_stored record;\n', '  v_stored record;\n  v_types text;\n').replace(NOTIFY_0009, NOTIFY_TYPES);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(withTypedNotification(APPEND_FUNCTION));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(APPEND_FUNCTION);
}
