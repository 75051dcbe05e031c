export { startEbayDouble, type EbayDouble, type EbayDoubleOptions, type RecordedRequest } from './server';
export { SCOPES, type EbayAppConfig, type ConsentChoice } from './oauth';
export type { FaultSpec } from './faults';
export type { OrderChanges, SaleInput } from './fulfillment';
export type { ChallengeResult, Delivery, NotificationOptions } from './notification';
export type { SeedUser, SeedPolicy, SeedLocation, EbayState, UserRecord, OfferRecord, ListingRecord, OrderRecord } from './state';
export { CONDITION_IDS, type ConditionPolicy, type ItemCondition } from './conditions';
