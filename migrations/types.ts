import type { Knex } from 'knex';

/**
 * A migration: knex-style `up` (and optional `down`). Public migrations run with
 * `search_path = public`; tenant migrations run with `search_path` set to the tenant's schema,
 * so they create unqualified tables that land in `client_N`.
 */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down?(knex: Knex): Promise<void>;
}
