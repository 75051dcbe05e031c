import type { Migration } from '../types';
import * as m0001 from './0001_event_store';
import * as m0002 from './0002_processing';
import * as m0003 from './0003_products';
import * as m0004 from './0004_notification_products';
import * as m0005 from './0005_drop_empty_product_counts';
import * as m0006 from './0006_sku_reservations';
import * as m0007 from './0007_idempotency_replies';
import * as m0008 from './0008_tenant_role';
import * as m0009 from './0009_drop_schema_append_function';
import * as m0010 from './0010_marketplace_connections';
import * as m0011 from './0011_listings';
import * as m0012 from './0012_vinted_extension';
import * as m0013 from './0013_vinted_task_told';
import * as m0014 from './0014_live_listings';
import * as m0015 from './0015_marketplace_order_lines';
import * as m0016 from './0016_marketplace_poll_cursors';
import * as m0017 from './0017_subscription';
import * as m0018 from './0018_oversells';
import * as m0019 from './0019_analytics';
import * as m0020 from './0020_sync_activity';
import * as m0021 from './0021_connection_notifications';
import * as m0022 from './0022_ai_descriptions';
import * as m0023 from './0023_sale_money';
import * as m0024 from './0024_shop_settings';

/** Tenant-schema migrations in the order they apply. `npm run migrate:make -- tenant NAME` appends here. */
export const tenantMigrations: Migration[] = [
  { name: '0001_event_store', ...m0001 },
  { name: '0002_processing', ...m0002 },
  { name: '0003_products', ...m0003 },
  { name: '0004_notification_products', ...m0004 },
  { name: '0005_drop_empty_product_counts', ...m0005 },
  { name: '0006_sku_reservations', ...m0006 },
  { name: '0007_idempotency_replies', ...m0007 },
  { name: '0008_tenant_role', ...m0008 },
  { name: '0009_drop_schema_append_function', ...m0009 },
  { name: '0010_marketplace_connections', ...m0010 },
  { name: '0011_listings', ...m0011 },
  { name: '0012_vinted_extension', ...m0012 },
  { name: '0013_vinted_task_told', ...m0013 },
  { name: '0014_live_listings', ...m0014 },
  { name: '0015_marketplace_order_lines', ...m0015 },
  { name: '0016_marketplace_poll_cursors', ...m0016 },
  { name: '0017_subscription', ...m0017 },
  { name: '0018_oversells', ...m0018 },
  { name: '0019_analytics', ...m0019 },
  { name: '0020_sync_activity', ...m0020 },
  { name: '0021_connection_notifications', ...m0021 },
  { name: '0022_ai_descriptions', ...m0022 },
  { name: '0023_sale_money', ...m0023 },
  { name: '0024_shop_settings', ...m0024 },
];
