/*
 * The periodic full comparison for one marketplace account: our listings there (live ones, and
 * those Stoflow delisted in the last 30 days) against what the marketplace says of each, so drift
 * nobody told us about — a listing ended on eBay's side, an Etsy listing deleted by the seller,
 * a delist that did not hold — is corrected. The pure comparison decides
 * (src/domain/reconciliation/drift.ts); each correction is a listing command recorded with its
 * reason, by the actor `comparison:<marketplace>`, and only if the listing has not moved since it
 * was read (a comparison that raced an edit looks again next time).
 */
import type { Marketplace } from '../../domain/connection/connection';
import { listingDecider, listingStream, type ExternalIds, type ListingStatus } from '../../domain/listing/listing';
import { compareWithMarketplace, type DriftCorrection, type ListingThere } from '../../domain/reconciliation/drift';
import { ConcurrencyError, DomainRuleError } from '../../shared/errors';
import { isQueued } from '../../shared/marketplace-publisher';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import type { ListingWorkDeps } from '../listings/deps';
import { loadConnection, loadListing, loadProduct } from '../listings/load';

/** One of our listings as the read models have it, for the comparison. */
export interface ListingOnRecord {
  listingId: string;
  productId: string;
  status: ListingStatus;
  external: ExternalIds;
  /** The listing stream's version when read: a correction applies only to the listing as compared. */
  version: number;
  /** The product has stock left and is neither sold nor archived. */
  sellable: boolean;
}

/** Our listings on a marketplace to compare (those whose id there is among `externalIds`, when given). */
export type ListingsToCompare = (tenant: number, marketplace: Marketplace, externalIds?: readonly string[]) => Promise<ListingOnRecord[]>;

export type CompareDeps = ListingWorkDeps & { listingsToCompare: ListingsToCompare };

export interface Comparison {
  compared: number;
  /** What the marketplace answered for (the rest could not be read, and are not judged). */
  answered: number;
  corrections: (DriftCorrection & { applied: boolean })[];
}

export async function compareMarketplaceListings(deps: CompareDeps, tenant: number, marketplace: Marketplace): Promise<Comparison> {
  const none: Comparison = { compared: 0, answered: 0, corrections: [] };
  const publisher = deps.publishers[marketplace];
  if (!publisher || isQueued(publisher) || !publisher.standing) return none;
  const { state: connection } = await loadConnection(deps.store, tenant, marketplace);
  if (connection.status !== 'connected') return none;
  const ours = await deps.listingsToCompare(tenant, marketplace);
  if (ours.length === 0) return none;
  const token = await deps.credentials.accessToken(tenant, marketplace);
  const there = await publisher.standing(
    token,
    connection.account,
    ours.map((l) => ({ listingId: l.listingId, external: l.external, expectedLive: l.status === 'active' })),
  );
  await deps.credentials.recordCall(tenant, marketplace);
  return { compared: ours.length, answered: there.size, corrections: await correctDrift(deps, tenant, marketplace, ours, there, { actor: `comparison:${marketplace}`, foundBy: 'the periodic comparison' }) };
}

/** Decides and applies the corrections for what a marketplace said of our listings (its API, or the Vinted extension's view of the wardrobe). */
export async function correctDrift(deps: CommandDeps, tenant: number, marketplace: Marketplace, ours: readonly ListingOnRecord[], there: ReadonlyMap<string, ListingThere>, by: { actor: string; foundBy: string }): Promise<Comparison['corrections']> {
  const metadata: CommandMetadata = { event: { actor: by.actor } };
  const byId = new Map(ours.map((l) => [l.listingId, l]));
  const corrections: Comparison['corrections'] = [];
  for (const correction of compareWithMarketplace(marketplace, ours, there, by.foundBy)) {
    corrections.push({ ...correction, applied: await correct(deps, tenant, byId.get(correction.listingId)!, correction, metadata) });
  }
  return corrections;
}

async function correct(deps: CommandDeps, tenant: number, compared: ListingOnRecord, correction: DriftCorrection, metadata: CommandMetadata): Promise<boolean> {
  const { state: listing, version } = await loadListing(deps.store, tenant, compared.listingId);
  if (!listing || version !== compared.version) return false;
  const now = deps.clock.now();
  const command =
    correction.kind === 'end_here'
      ? ({ type: 'MarkEndedExternally', reason: correction.reason, now } as const)
      : correction.kind === 'delist_again'
        ? ({ type: 'RedoDelist', reason: correction.reason, now } as const)
        : ({ type: 'RequestDelist', reason: correction.reason, now } as const);
  if (correction.kind === 'delist') {
    // Decided from the product's own stream, not the read model the comparison started from.
    const { state: product } = await loadProduct(deps.store, tenant, compared.productId);
    if (product && product.stock_quantity > 0 && product.status !== 'sold' && product.status !== 'archived') return false;
  }
  try {
    const outcome = await runCommand(deps, tenant, { stream: listingStream(compared.listingId), decider: listingDecider, command }, { ...metadata, expectedVersion: version });
    return outcome.events.length > 0;
  } catch (err) {
    // The listing moved on (an edit, a sale) since it was compared: the next comparison looks again.
    if (err instanceof DomainRuleError || err instanceof ConcurrencyError) return false;
    throw err;
  }
}
