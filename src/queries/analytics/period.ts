/*
 * What the analytics queries share: the period (local dates, both ends included), the filters,
 * and money in euros. Days are the shop's: the zone the analytics projection buckets them in
 * (`analytics_settings`, ANALYTICS_TIME_ZONE until the seller chooses one), so "today" and the
 * stored days always agree.
 */
import { z } from 'zod';
import type { Queryable } from '../../infra/db/postgres';
import type { TenantDb } from '../../infra/db/tenancy';
import { ANALYTICS_TIME_ZONE, SALE_CHANNELS } from '../../shared/analytics';
import { ValidationError } from '../../shared/errors';

export interface AnalyticsDeps extends TenantDb {
  now(): Date;
}

/** The longest period asked at once: ten years of days. */
export const MAX_PERIOD_DAYS = 3660;
const DEFAULT_PERIOD_DAYS = 30;
const DAY_MS = 86_400_000;

const localDate = z.iso.date().describe('YYYY-MM-DD, a day in the account’s time zone');

export const periodFields = {
  from: localDate.optional().describe(`First day included (default: ${DEFAULT_PERIOD_DAYS - 1} days before \`to\`)`),
  to: localDate.optional().describe('Last day included (default: today)'),
};

export const filterFields = {
  marketplace: z.enum(SALE_CHANNELS).optional().describe('Only this marketplace (offline: sales the seller recorded)'),
  category: z.string().min(1).max(100).optional().describe('Category slug: the category and everything under it'),
  brand: z.string().trim().min(1).max(100).optional().describe('Brand name, any case'),
};

/** from ≤ to, and not more than MAX_PERIOD_DAYS apart (each problem names its field). */
export function checkPeriod(v: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (v.from === undefined || v.to === undefined) return;
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
  else if (daysBetween(v.from, v.to) >= MAX_PERIOD_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be less than ${MAX_PERIOD_DAYS} days after from` });
}

export interface Period {
  from: string;
  to: string;
  time_zone: string;
}

/** 2026-03-01 in the zone (Paris by default), whatever the server's own zone. */
export function localDay(at: Date, timeZone: string = ANALYTICS_TIME_ZONE): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The zone the tenant's analytics days are counted in (the projection's own, so it matches the stored days). */
export async function analyticsTimeZone({ db, tenancy }: TenantDb, tenant: number): Promise<string> {
  const { rows } = await db.of(tenant).query<{ time_zone: string }>(`select time_zone from ${tenancy.table(tenant, 'analytics_settings')}`);
  return rows[0]?.time_zone ?? ANALYTICS_TIME_ZONE;
}

/** The period asked, with the defaults filled in: `to` today (in `timeZone`), `from` 29 days before `to`. */
export function resolvePeriod(q: { from?: string; to?: string }, now: Date, timeZone: string): Period {
  const to = q.to ?? localDay(now, timeZone);
  const from = q.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
  if (from > to) throw new ValidationError([{ field: 'from', message: 'must not be after to (today when to is not given)' }]);
  if (daysBetween(from, to) >= MAX_PERIOD_DAYS) throw new ValidationError([{ field: 'from', message: `must be less than ${MAX_PERIOD_DAYS} days before to` }]);
  return { from, to, time_zone: timeZone };
}

/** SQL parameters, numbered in the order they are added. */
export function parameters() {
  const values: unknown[] = [];
  return {
    values,
    add(value: unknown): string {
      values.push(value);
      return `$${values.length}`;
    },
  };
}

/** The slugs a category filter keeps: the category and everything under it; unknown is a 400 naming it. */
export async function categorySlugs(db: Queryable, slug: string): Promise<string[]> {
  const { rows } = await db.query<{ slug: string }>(
    `select c.slug from public.categories c, public.categories root
      where root.slug = $1 and (c.path = root.path or c.path like root.path || '.%')`,
    [slug],
  );
  if (rows.length === 0) throw new ValidationError([{ field: 'category', message: 'is not a known category' }]);
  return rows.map((r) => r.slug);
}

/** Where-clauses for the category and brand filters, on columns `category` and `brand`. */
export async function productFilters(db: Queryable, q: { category?: string; brand?: string }, add: (v: unknown) => string): Promise<string[]> {
  const where: string[] = [];
  if (q.category !== undefined) where.push(`category = any(${add(await categorySlugs(db, q.category))}::text[])`);
  if (q.brand !== undefined) where.push(`lower(brand) = lower(${add(q.brand)})`);
  return where;
}

/** Cents as euros: 1990 → 19.9. */
export const euros = (cents: number | string | null): number => Number(cents ?? 0) / 100;

/** A share as a percentage with one decimal, 0 when there is nothing to share. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10;
}
