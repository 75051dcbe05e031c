/*
 * What AI descriptions read about a tenant: the brands it knows (the shared list, held for a
 * minute, and its own), and the language its account writes in, from its time zone.
 */
import type { AiLanguage } from '../domain/ai/listing';
import type { Tenancy } from './db/tenancy';
import type { TenantPools } from './db/tenant-pools';

const LANGUAGE_OF_ZONE: Record<string, AiLanguage> = {
  'Europe/Paris': 'fr', 'Europe/Brussels': 'fr', 'Europe/Luxembourg': 'fr', 'Europe/Monaco': 'fr', 'Europe/Zurich': 'fr', 'America/Montreal': 'fr',
  'Europe/Berlin': 'de', 'Europe/Vienna': 'de', 'Europe/Madrid': 'es', 'Atlantic/Canary': 'es', 'Europe/Rome': 'it', 'Europe/Amsterdam': 'nl',
  'Europe/London': 'en', 'Europe/Dublin': 'en', 'America/New_York': 'en', 'America/Chicago': 'en', 'America/Los_Angeles': 'en', 'Australia/Sydney': 'en',
};

/** The account's language from its time zone; French, the service's first market, when the zone says none of ours. */
export function languageOfTimeZone(zone: string): AiLanguage {
  return LANGUAGE_OF_ZONE[zone] ?? (zone.startsWith('America/') || zone.startsWith('Australia/') ? 'en' : 'fr');
}

export function aiContext(pool: TenantPools, tenancy: Tenancy, now: () => number = Date.now) {
  let shared: { names: string[]; at: number } | null = null;
  return {
    async knownBrands(tenant: number): Promise<readonly string[]> {
      if (!shared || now() - shared.at > 60_000) shared = { names: (await pool.query<{ name: string }>('select name from public.brands')).rows.map((r) => r.name), at: now() };
      const own = (await pool.of(tenant).query<{ name: string }>(`select name from ${tenancy.table(tenant, 'custom_brands')}`)).rows.map((r) => r.name);
      return [...shared.names, ...own];
    },
    async accountLanguage(tenant: number): Promise<AiLanguage> {
      const { rows } = await pool.query<{ time_zone: string }>('select time_zone from public.tenants where id = $1', [tenant]);
      return languageOfTimeZone(rows[0]?.time_zone ?? 'Europe/Paris');
    },
  };
}
