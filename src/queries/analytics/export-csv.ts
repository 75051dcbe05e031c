/*
 * GET /api/analytics/export.csv: every sale of a period, one line each (or, with kind=inventory,
 * every product in stock now), as CSV for a spreadsheet or an accountant: RFC 4180, UTF-8 with a
 * byte order mark, amounts in euros with a point and two decimals.
 *
 * Streamed from a PostgreSQL cursor a few thousand rows at a time, each batch written only once
 * the client has taken the previous one: memory stays flat whatever the number of sales. The
 * cursor reads one snapshot (repeatable read), so the file is consistent. A failure before the
 * first row is a problem+json answer; after it, the connection is cut, so a partial file never
 * looks complete.
 */
import type { Response } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { PoolClient } from '../../infra/db/postgres';
import type { Logger } from '../../infra/logger';
import { ANALYTICS_CURRENCY } from '../../shared/analytics';
import { centsText, csvLine, UTF8_BOM, type CsvValue } from './csv';
import { checkPeriod, parameters, periodFields, resolvePeriod, analyticsTimeZone, type AnalyticsDeps } from './period';

const BATCH = 2000;

export const exportQuery = z
  .object({
    kind: z.enum(['sales', 'inventory']).default('sales').describe('sales: one line per sale of the period; inventory: one line per product in stock now (the period is not used)'),
    ...periodFields,
  })
  .strict()
  .superRefine(checkPeriod);

export const SALES_COLUMNS = [
  'sale_id', 'sold_at', 'date', 'product_id', 'sku', 'title', 'category', 'brand', 'marketplace', 'quantity', 'unit_price', 'gross',
  'fees', 'shipping_charged', 'shipping_paid', 'cost_of_goods', 'cost_known', 'refund', 'net_profit', 'currency', 'created_at', 'first_listed_at', 'days_to_sell',
  'returned_at', 'restocked',
] as const;

export const INVENTORY_COLUMNS = [
  'product_id', 'sku', 'title', 'category', 'brand', 'status', 'stock_quantity', 'price', 'cost_price', 'value_at_price', 'value_at_cost',
  'currency', 'created_at', 'first_listed_at', 'listed_since', 'marketplaces',
] as const;

const utc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

interface Export {
  sql: string;
  values: unknown[];
  header: readonly string[];
  line(row: Record<string, unknown>): CsvValue[];
  filename: string;
}

function salesExport(table: string, from: string, to: string): Export {
  const p = parameters();
  return {
    sql: `select sale_id, ${utc('sold_at')} as sold_at, to_char(day, 'YYYY-MM-DD') as day, product_id, sku, title, category, brand, marketplace, quantity,
                 unit_price_cents, gross_cents, fees_cents, shipping_charged_cents, shipping_paid_cents, cost_cents, cost_known, refund_cents, profit_cents,
                 ${utc('created_at')} as created_at, ${utc('listed_at')} as listed_at, days_to_sell, ${utc('returned_at')} as returned_at, restocked
            from ${table} where day between ${p.add(from)}::date and ${p.add(to)}::date order by sold_at, product_id, sale_id`,
    values: p.values,
    header: SALES_COLUMNS,
    line: (r) => [r.sale_id, r.sold_at, r.day, r.product_id, r.sku, r.title, r.category, r.brand, r.marketplace, r.quantity, centsText(r.unit_price_cents as number), centsText(r.gross_cents as number),
      centsText(r.fees_cents as number), centsText(r.shipping_charged_cents as number), centsText(r.shipping_paid_cents as number), centsText(r.cost_cents as number), r.cost_known, centsText(r.refund_cents as number), centsText(r.profit_cents as number), ANALYTICS_CURRENCY, r.created_at, r.listed_at, r.days_to_sell,
      r.returned_at, r.returned_at === null ? null : r.restocked] as CsvValue[],
    filename: `sales-${from}-${to}.csv`,
  };
}

function inventoryExport(table: string, today: string): Export {
  return {
    sql: `select product_id, sku, title, category, brand, case when cardinality(live_marketplaces) > 0 then 'published' else 'draft' end as status, stock_quantity,
                 price_cents, cost_price_cents, stock_quantity::bigint * price_cents as value_at_price, stock_quantity::bigint * coalesce(cost_price_cents, 0) as value_at_cost,
                 ${utc('created_at')} as created_at, ${utc('first_listed_at')} as first_listed_at, ${utc('listed_since')} as listed_since, array_to_string(live_marketplaces, ' ') as marketplaces
            from ${table} where status = 'draft' and stock_quantity > 0 order by created_at, product_id`,
    values: [],
    header: INVENTORY_COLUMNS,
    line: (r) => [r.product_id, r.sku, r.title, r.category, r.brand, r.status, r.stock_quantity, centsText(r.price_cents as number), centsText(r.cost_price_cents as number | null),
      centsText(r.value_at_price as number), centsText(r.value_at_cost as number), ANALYTICS_CURRENCY, r.created_at, r.first_listed_at, r.listed_since, r.marketplaces] as CsvValue[],
    filename: `inventory-${today}.csv`,
  };
}

class ClientGone extends Error {}

/** Writes, waiting for the socket to drain: a slow client slows only its own export. */
function send(res: Response, chunk: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.reject(new ClientGone());
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (gone: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      if (gone) reject(new ClientGone());
      else resolve();
    };
    const onDrain = done(false);
    const onClose = done(true);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

async function stream(client: PoolClient, res: Response, e: Export, logger: Logger, requestId: string): Promise<void> {
  await client.query('begin isolation level repeatable read, read only');
  await client.query(`declare analytics_export no scroll cursor for ${e.sql}`, e.values);
  const fetch = () => client.query(`fetch forward ${BATCH} from analytics_export`);
  let batch = await fetch();
  // Nothing is sent before the first rows are read: an early failure is still a proper answer.
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
  res.setHeader('Content-Disposition', `attachment; filename="${e.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  try {
    await send(res, UTF8_BOM + csvLine(e.header));
    while (batch.rows.length > 0) {
      let chunk = '';
      for (const row of batch.rows) chunk += csvLine(e.line(row));
      const next = batch.rows.length === BATCH ? fetch() : null;
      next?.catch(() => undefined); // awaited below; never an unhandled rejection
      await send(res, chunk);
      batch = next ? await next : { rows: [] } as unknown as typeof batch;
    }
    await client.query('commit');
    res.end();
  } catch (err) {
    if (!(err instanceof ClientGone)) logger.error({ err, request_id: requestId }, 'CSV export failed part way: connection cut');
    res.destroy();
    throw new ClientGone();
  }
}

export const exportCsvRoute = (deps: AnalyticsDeps & { logger: Logger }) =>
  defineRoute({
    method: 'get',
    path: '/api/analytics/export.csv',
    summary: 'Every sale of a period (or, with kind=inventory, every product in stock), as CSV: RFC 4180, UTF-8 with BOM, streamed',
    tags: ['Analytics'],
    query: exportQuery,
    responses: {
      200: { description: 'The CSV file, header line first', contentType: 'text/csv' },
      400: { description: 'A parameter is malformed or unknown' },
    },
    handle: async ({ auth, query, res, requestId }) => {
      const tenant = auth.tenantId;
      const period = resolvePeriod(query, deps.now(), await analyticsTimeZone(deps, tenant));
      const e =
        query.kind === 'sales' ? salesExport(deps.tenancy.table(tenant, 'analytics_sales'), period.from, period.to) : inventoryExport(deps.tenancy.table(tenant, 'analytics_products'), period.to);
      const client = await deps.db.of(tenant).connect();
      let broken: Error | undefined;
      // A connection that breaks while checked out reports here; it is then destroyed, not reused.
      const onError = (err: Error) => (broken = err);
      client.on('error', onError);
      try {
        await stream(client, res, e, deps.logger, requestId);
      } catch (err) {
        await client.query('rollback').catch((rollbackError: Error) => (broken ??= rollbackError));
        if (!(err instanceof ClientGone)) throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
      return undefined;
    },
  });
