import type { Knex } from 'knex';

/**
 * AI descriptions. `ai_generations_log`: every generation (GET /api/ai/generations) — provider,
 * model, tokens, estimated cost, latency, success or error, and the product and version it was
 * written from. `ai_jobs` and `ai_job_items`: bulk requests (GET /api/ai/jobs/{id}) and each
 * product's outcome.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table ai_generations_log (
      generation_id uuid primary key,
      product_id uuid not null,
      product_version integer not null,
      job_id uuid,
      provider text not null,
      model text not null,
      language text not null,
      options jsonb not null,
      status text not null check (status in ('succeeded', 'failed')),
      error_code text,
      error text,
      input_tokens integer not null,
      output_tokens integer not null,
      cost_estimate_usd numeric(12, 6) not null,
      latency_ms integer not null,
      attempts integer not null,
      images_sent integer not null,
      credits_charged integer not null,
      applied boolean not null,
      applied_version integer,
      listing jsonb,
      created_at timestamptz not null,
      position bigint not null
    );
    create index ai_generations_log_recent on ai_generations_log (created_at desc, generation_id);
    create index ai_generations_log_product on ai_generations_log (product_id, created_at desc);
    create table ai_jobs (
      job_id uuid primary key,
      options jsonb not null,
      total integer not null,
      succeeded integer not null default 0,
      failed integer not null default 0,
      status text not null check (status in ('running', 'completed')),
      requested_at timestamptz not null,
      completed_at timestamptz
    );
    create table ai_job_items (
      job_id uuid not null,
      product_id uuid not null,
      position integer not null,
      status text not null check (status in ('pending', 'succeeded', 'failed')),
      generation_id uuid,
      error_code text,
      error text,
      finished_at timestamptz,
      primary key (job_id, product_id)
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table if exists ai_job_items; drop table if exists ai_jobs; drop table if exists ai_generations_log');
}
