import type { Knex } from 'knex';

/**
 * One append_events for every tenant, in public, taking the tenant's schema as its first
 * argument, instead of a copy in each tenant schema (tenant migration 0009 drops those).
 *
 * PL/pgSQL compiles a function, and plans each of its statements, once per database connection
 * and function: with a copy per schema, a pool of 20 connections serving 1,000 tenants compiled
 * up to 20,000 functions and held their plans, so an append to a tenant a connection had not
 * served yet paid a compilation, and the connections' memory grew with the number of tenants.
 * The shared function is compiled once per connection. Its statements name tables unqualified
 * and the call points `search_path` at the tenant's schema for its own duration (the `set`
 * clause restores the caller's path on the way out); a cached plan records the path it was made
 * under and PostgreSQL plans again when the path differs, so no plan ever reaches across tenants.
 *
 * Everything else is the body of tenant migration 0001's function: same arguments after the
 * schema, same outcomes, same lock (the tenant's, by schema name), same NOTIFY payload.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(SHARED_APPEND_FUNCTION);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop function if exists public.append_events(text, text[], bigint[], integer[], uuid[], text[], integer[], jsonb[], jsonb[], text)`);
}

/** The function as this migration creates it (migration 0009 restores it on the way down). */
export const SHARED_APPEND_FUNCTION = `
create function public.append_events(
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
  -- Local to this call (the set clause above restores the caller's path on the way out).
  perform set_config('search_path', quote_ident(p_schema) || ', public', true);
  perform pg_advisory_xact_lock(17750, hashtext(current_schema()));
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

  select array_agg(coalesce((select s.version from streams s where s.stream_id = u.stream_id), 0) order by u.a),
         exists (select 1 from events e where e.event_id = any(p_ids))
    into v_heads, v_any_stored
    from unnest(p_streams) with ordinality as u(stream_id, a);

  -- Idempotency before the version check: a retry of a stored batch answers with the original
  -- result even though the stream has moved past its expected version. Normally no id is
  -- stored and this costs the index probes of the query above.
  if v_any_stored then
    for v_stored in
      select u.a, count(*) as stored,
             count(distinct e.stream_version - (u.n - v_start[u.a])) = 1
               and bool_and(e.stream_id = p_streams[u.a]) as in_place,
             max(e.stream_version) as version, min(e.position) as first, max(e.position) as last,
             min(e.recorded_at) as at
        from unnest(p_ids, v_owner) with ordinality as u(id, a, n)
        cross join lateral (select x.stream_id, x.stream_version, x.position, x.recorded_at
                              from events x where x.event_id = u.id limit 1) e
       group by u.a
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
    with inserted as (
      insert into events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
      select p_streams[u.a], v_base[u.a] + (u.n - v_start[u.a]), u.id, u.type, u.schema_version, u.data, u.metadata
        from unnest(p_ids, v_owner, p_types, p_schema_versions, p_data, p_metadata)
             with ordinality as u(id, a, type, schema_version, data, metadata, n)
       where v_base[u.a] is not null
       order by u.n
      returning position
    )
    select min(position), max(position) into v_low, v_high from inserted;
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
      update streams s set version = v_next[i], updated_at = now()
        from generate_series(1, k) as i
       where s.stream_id = p_streams[i] and v_base[i] > 0 and p_counts[i] > 0;
    end if;
    if v_new_streams > 0 then
      insert into streams (stream_id, version)
      select p_streams[i], v_next[i] from generate_series(1, k) as i
       where v_base[i] = 0 and p_counts[i] > 0;
    end if;

    -- Delivered at commit only, so a woken reader always finds the events.
    perform pg_notify(p_channel, current_schema() || ':' || v_high);
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
