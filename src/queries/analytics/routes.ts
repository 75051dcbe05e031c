/* The analytics endpoints, in the order the OpenAPI document lists them. */
import type { AnyRoute } from '../../http/route';
import type { Logger } from '../../infra/logger';
import { exportCsvRoute } from './export-csv';
import { inventoryRoute } from './inventory';
import type { AnalyticsDeps } from './period';
import { staleRoute } from './stale';
import { summaryRoute } from './summary';
import { timeseriesRoute } from './timeseries';
import { topRoute } from './top';

export function analyticsRoutes(deps: AnalyticsDeps & { logger: Logger }): AnyRoute[] {
  return [summaryRoute(deps), timeseriesRoute(deps), topRoute(deps), inventoryRoute(deps), staleRoute(deps), exportCsvRoute(deps)];
}
