import type { Projection } from '../engine/projection';
import { aiGenerationsProjection } from './ai-generations';
import { aiJobsProjection } from './ai-jobs';
import { analyticsProjection } from './analytics';
import { customBrandsProjection } from './custom-brands';
import { listingsProjection } from './listings';
import { marketplaceConnectionsProjection } from './marketplace-connections';
import { marketplaceOrdersProjection } from './marketplace-orders';
import { oversellsProjection } from './oversells';
import { productsProjection } from './products';
import { shopSettingsProjection } from './shop-settings';
import { subscriptionProjection } from './subscription';
import { syncActivityProjection } from './sync-activity';

/** Every read model of a tenant. Order matters only for readability of `stoflow replay`. */
export const allProjections: readonly Projection[] = [
  productsProjection,
  customBrandsProjection,
  marketplaceConnectionsProjection,
  listingsProjection,
  marketplaceOrdersProjection,
  oversellsProjection,
  subscriptionProjection,
  shopSettingsProjection,
  analyticsProjection,
  syncActivityProjection,
  aiGenerationsProjection,
  aiJobsProjection,
];
