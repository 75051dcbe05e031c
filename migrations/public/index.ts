import type { Migration } from '../types';
import * as m0001 from './0001_tenancy';
import * as m0002 from './0002_reference_data';
import * as m0003 from './0003_accounts';
import * as m0004 from './0004_estimated_products_band';
import * as m0005 from './0005_shared_append_function';
import * as m0006 from './0006_oauth_states';
import * as m0007 from './0007_plugin_devices';
import * as m0008 from './0008_marketplace_accounts';
import * as m0009 from './0009_append_events_without_path_switch';
import * as m0010 from './0010_plans';
import * as m0011 from './0011_notify_event_types';
import * as m0012 from './0012_oauth_state_site';
import * as m0013 from './0013_consumer_keys';

/** Public-schema migrations in the order they apply. `npm run migrate:make -- public NAME` appends here. */
export const publicMigrations: Migration[] = [
  { name: '0001_tenancy', ...m0001 },
  { name: '0002_reference_data', ...m0002 },
  { name: '0003_accounts', ...m0003 },
  { name: '0004_estimated_products_band', ...m0004 },
  { name: '0005_shared_append_function', ...m0005 },
  { name: '0006_oauth_states', ...m0006 },
  { name: '0007_plugin_devices', ...m0007 },
  { name: '0008_marketplace_accounts', ...m0008 },
  { name: '0009_append_events_without_path_switch', ...m0009 },
  { name: '0010_plans', ...m0010 },
  { name: '0011_notify_event_types', ...m0011 },
  { name: '0012_oauth_state_site', ...m0012 },
  { name: '0013_consumer_keys', ...m0013 },
];
