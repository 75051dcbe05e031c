import type { Knex } from 'knex';
import { SHARED_APPEND_FUNCTION } from './0005_shared_append_function';

/**
 * append_events without switching `search_path` per call. The 0005 function pointed the path at
 * the tenant's schema for its duration, and PostgreSQL re-analyses and plans again every cached
 * plan of a function when the path differs from the one it was made under: every expression of
 * the function (a few dozen), not only its table statements. A connection serving several tenants
 * in turn, which is every connection of a pool, paid that on nearly every call.
 *
 * Here the path stays `public` (the function's own `set` clause), so the expressions keep their
 * plans for the life of the connection, and the four statements on the tenant's tables name the
 * schema (`format('%I')`) and run through EXECUTE, planned at each call as before. The tenant's
 * lock key and the NOTIFY payload are unchanged (`hashtext(<schema>)`, `<schema>:<position>`:
 * current_schema() was the schema's name), so the old and the new function serialise against
 * each other during a rolling start. Same arguments, outcomes and checks as 0005.
 *
 * Privileges are those of 0005: the function runs as its caller (no SECURITY DEFINER), so the
 * app role appends with the row access it is granted on every tenant schema, and a tenant's own
 * role (tenant migration 0008, inside a tenant transaction) reaches its own schema only: naming
 * another tenant's is refused with "permission denied", as the unqualified names under a
 * switched path were. `create or replace` keeps the function's owner and grants.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(APPEND_FUNCTION);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(SHARED_APPEND_FUNCTION.replace('create function', 'create or replace function'));
}

export const APPEND_FUNCTION = `
create or replace function public.append_events(
  p_schema text,
  p_streams text[],
  p_expected bigint[],
  p_counts integer[],
  p_ids uuid[],
  p_types text[],
  p_schema_versions integer[],
  p_data jsonb[],
  p_metadata jsonb[],
  p_channel text
) returns table (outcome text, next_version integer, first_position bigint, last_position bigint, appended_at timestamptz)
language plpgsql
set search_path = public
set enable_seqscan = off
as $fn$
declare
  k constant integer := coalesce(array_length(p_streams, 1), 0);
  v_owner integer[] := '{}';  -- per event: the batch it belongs to
  v_start integer[];          -- per batch: how many events of the call come before it
  v_heads integer[];          -- per batch: the stream's version before this call
  v_base integer[];           -- per batch: the version its events build on; null when refused
  v_outcome text[];
  v_next integer[];
  v_first bigint[];
  v_last bigint[];
  v_at timestamptz[];
  v_total integer := 0;
  v_written integer := 0;
  v_moved_streams integer := 0;
  v_new_streams integer := 0;
  v_any_stored boolean;
  v_low bigint;
  v_high bigint;
  v_stored record;
begin
  if p_schema is null or p_schema !~ '^[a-z_][a-z0-9_]*$' or to_regnamespace(p_schema) is null then
    raise exception 'append_events: no schema %', p_schema using errcode = '3F000';
  end if;
  -- The tenant's lock, by schema name, as in 0005.
  perform pg_advisory_xact_lock(17750, hashtext(p_schema));
  if k = 0 then
    return;
  end if;
  if k > 1 and (select count(distinct s) from unnest(p_streams) s) <> k then
    raise exception 'append_events: a stream may appear only once per call' using errcode = '22023';
  end if;

  v_start := array_fill(0, array[k]);
  for i in 1 .. k loop
    v_start[i] := v_total;
    v_owner := v_owner || array_fill(i, array[p_counts[i]]);
    v_total := v_total + p_counts[i];
  end loop;
  if v_total <> coalesce(array_length(p_ids, 1), 0) then
    raise exception 'append_events: counts do not add up to the events given' using errcode = '22023';
  end if;

  v_base := array_fill(null::integer, array[k]);
  v_outcome := array_fill(null::text, array[k]);
  v_next := array_fill(null::integer, array[k]);
  v_first := array_fill(null::bigint, array[k]);
  v_last := array_fill(null::bigint, array[k]);
  v_at := array_fill(now(), array[k]);

  execute format(
    'select array_agg(coalesce((select s.version from %1$I.streams s where s.stream_id = u.stream_id), 0) order by u.a),
            exists (select 1 from %1$I.events e where e.event_id = any($2))
       from unnest($1) with ordinality as u(stream_id, a)', p_schema)
    into v_heads, v_any_stored using p_streams, p_ids;

  -- Idempotency before the version check: a retry of a stored batch answers with the original
  -- result even though the stream has moved past its expected version. Normally no id is
  -- stored and this costs the index probes of the query above.
  if v_any_stored then
    for v_stored in execute format(
      'select u.a, count(*) as stored,
              count(distinct e.stream_version - (u.n - $3[u.a])) = 1 and bool_and(e.stream_id = $4[u.a]) as in_place,
              max(e.stream_version) as version, min(e.position) as first, max(e.position) as last, min(e.recorded_at) as at
         from unnest($1, $2) with ordinality as u(id, a, n)
         cross join lateral (select x.stream_id, x.stream_version, x.position, x.recorded_at from %1$I.events x where x.event_id = u.id limit 1) e
        group by u.a', p_schema) using p_ids, v_owner, v_start, p_streams
    loop
      if v_stored.stored = p_counts[v_stored.a] and v_stored.in_place then
        v_outcome[v_stored.a] := 'duplicate';
        v_next[v_stored.a] := v_stored.version;
        v_first[v_stored.a] := v_stored.first;
        v_last[v_stored.a] := v_stored.last;
        v_at[v_stored.a] := v_stored.at;
      else
        v_outcome[v_stored.a] := 'id_conflict';
        v_next[v_stored.a] := v_heads[v_stored.a];
      end if;
    end loop;
  end if;

  for i in 1 .. k loop
    continue when v_outcome[i] is not null;
    if (p_expected[i] >= 0 and v_heads[i] <> p_expected[i]) or (p_expected[i] = -2 and v_heads[i] = 0) then
      v_outcome[i] := 'conflict';
      v_next[i] := v_heads[i];
    else
      v_outcome[i] := 'appended';
      v_base[i] := v_heads[i];
      v_next[i] := v_heads[i] + p_counts[i];
      v_written := v_written + p_counts[i];
      if p_counts[i] > 0 then
        v_moved_streams := v_moved_streams + 1;
        if v_heads[i] = 0 then
          v_new_streams := v_new_streams + 1;
        end if;
      end if;
    end if;
  end loop;

  if v_written > 0 then
    execute format(
      'with inserted as (
         insert into %1$I.events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
         select $1[u.a], $2[u.a] + (u.n - $3[u.a]), u.id, u.type, u.schema_version, u.data, u.metadata
           from unnest($4, $5, $6, $7, $8, $9) with ordinality as u(id, a, type, schema_version, data, metadata, n)
          where $2[u.a] is not null
          order by u.n
         returning position)
       select min(position), max(position) from inserted', p_schema)
      into v_low, v_high
      using p_streams, v_base, v_start, p_ids, v_owner, p_types, p_schema_versions, p_data, p_metadata;
    -- Rows took their positions one after another from a cache-1 identity while this call held
    -- the tenant's lock, so each batch's positions follow from its place in the call.
    if v_high - v_low + 1 <> v_written then
      raise exception 'append_events: positions of one call are not consecutive' using errcode = 'XX000';
    end if;
    for i in 1 .. k loop
      if v_base[i] is not null and p_counts[i] > 0 then
        v_first[i] := v_low;
        v_last[i] := v_low + p_counts[i] - 1;
        v_low := v_low + p_counts[i];
      end if;
    end loop;

    -- v_heads says which streams have a row already: a plain update or insert each, cheaper
    -- than an upsert's speculative insertion. The lock rules out a concurrent creator.
    if v_new_streams < v_moved_streams then
      execute format(
        'update %1$I.streams s set version = $2[i], updated_at = now()
           from generate_series(1, $4) as i
          where s.stream_id = $1[i] and $3[i] > 0 and $5[i] > 0', p_schema)
        using p_streams, v_next, v_base, k, p_counts;
    end if;
    if v_new_streams > 0 then
      execute format(
        'insert into %1$I.streams (stream_id, version)
         select $1[i], $2[i] from generate_series(1, $4) as i
          where $3[i] = 0 and $5[i] > 0', p_schema)
        using p_streams, v_next, v_base, k, p_counts;
    end if;

    -- Delivered at commit only, so a woken reader always finds the events.
    perform pg_notify(p_channel, p_schema || ':' || v_high);
  end if;

  for i in 1 .. k loop
    outcome := v_outcome[i];
    next_version := v_next[i];
    first_position := v_first[i];
    last_position := v_last[i];
    appended_at := v_at[i];
    return next;
  end loop;
end
$fn$;
`;
