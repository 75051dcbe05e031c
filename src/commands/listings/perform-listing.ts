/*
 * Carrying a listing out on its marketplace, for the publishing reactor: publish a queued
 * listing (resuming from the ids an earlier attempt recorded), or end one whose delisting was
 * asked. Each step the marketplace confirms is recorded through the listing's commands, so the
 * log says what happened on the marketplace, in order. A failure the marketplace calls permanent
 * (its own error ids) is recorded and ends the attempt; a retryable one is thrown for the
 * engine's backoff, whose retry time the reactor records.
 */
import type { ConnectionState } from '../../domain/connection/connection';
import type { Listing, ListingCommand, MarketplaceProblem } from '../../domain/listing/listing';
import { listingDecider, listingStream } from '../../domain/listing/listing';
import type { Product } from '../../domain/product/state';
import { GrantRefusedError } from '../../shared/marketplace-auth';
import { MarketplaceCallError } from '../../shared/marketplace-errors';
import { isQueued, type PublicationDraft } from '../../shared/marketplace-publisher';
import { runCommand, type CommandMetadata } from '../command';
import type { ListingWorkDeps } from './deps';
import { loadConnection, loadListing, loadProduct } from './load';

const DEPARTMENTS: Record<string, string> = { women: 'Women', men: 'Men', unisex: 'Unisex Adult', girls: 'Girls', boys: 'Boys', kids: 'Kids' };

/** `handed_over`: queued for the seller's extension (Vinted); its report records the outcome. */
export type ListingOutcome = 'published' | 'delisted' | 'failed' | 'handed_over' | 'nothing_to_do';

async function listingCommand(deps: ListingWorkDeps, tenant: number, listingId: string, command: ListingCommand, metadata: CommandMetadata) {
  return runCommand(deps, tenant, { stream: listingStream(listingId), decider: listingDecider, command }, { ...metadata, expectedVersion: undefined });
}

async function draftOf(deps: ListingWorkDeps, listing: Listing, product: Product, connection: ConnectionState): Promise<PublicationDraft> {
  const d = product.details as Product['details'] & { brand?: string | null; size?: string | null; color?: string | null; gender?: string | null; condition?: string | null; category?: string | null };
  const condition = d.condition ? await deps.mapping(listing.marketplace, 'condition', d.condition) : null;
  const category = listing.overrides.category_id ?? (d.category ? await deps.mapping(listing.marketplace, 'category', d.category) : null);
  const color = listing.marketplace === 'vinted' && d.color ? await deps.mapping('vinted', 'color', d.color) : null;
  const aspects: Record<string, string[]> = {};
  if (d.brand) aspects.Brand = [d.brand];
  if (d.size) aspects.Size = [d.size.toUpperCase()];
  if (d.color) aspects.Colour = [d.color];
  if (d.gender && DEPARTMENTS[d.gender]) aspects.Department = [DEPARTMENTS[d.gender]!];
  // Links made now for this call: each update sends fresh ones, and none outlives its time.
  const links = product.images.map((i) => deps.photoLink(i.file));
  return {
    sku: product.sku,
    title: listing.overrides.title ?? d.title,
    description: d.description || d.title,
    price_cents: listing.overrides.price_cents ?? product.price_cents,
    currency: 'EUR',
    quantity: product.stock_quantity,
    condition: condition ?? '',
    category_id: category ?? '',
    aspects,
    image_urls: links,
    images: product.images.map((i, n) => ({ id: i.image_id, url: links[n]!, file: i.file, content_type: i.content_type })),
    settings: connection.settings,
    site: connection.site ?? '',
    account: connection.account,
    who_made: listing.overrides.who_made ?? null,
    when_made: listing.overrides.when_made ?? null,
    is_supply: listing.overrides.is_supply ?? false,
    tags: listing.overrides.tags ?? [],
    materials: listing.overrides.materials ?? [],
    color_id: color,
    package_size: listing.overrides.package_size ?? null,
  };
}

/**
 * The account's last successful call, for the seller's view of the connection: written once the
 * outcome is recorded on the listing, and never a reason to fail — a failure here would have the
 * engine repeat a marketplace call that was done.
 */
async function noteSuccess(deps: ListingWorkDeps, tenant: number, marketplace: Listing['marketplace']): Promise<void> {
  await deps.credentials.recordCall(tenant, marketplace).catch(() => undefined);
}

/** What a failure says to the seller: the marketplace's own ids and messages when it gave them. */
export function describeFailure(err: unknown): { reason: string; errors: MarketplaceProblem[]; retryable: boolean } {
  if (err instanceof MarketplaceCallError) return { reason: err.message, errors: err.problems, retryable: err.retryable };
  if (err instanceof GrantRefusedError) return { reason: `${err.marketplace} refused Stoflow's access: connect it again`, errors: [{ id: 'grant_refused', message: err.reason }], retryable: false };
  if (err instanceof Error && err.name === 'NotConnectedError') return { reason: err.message, errors: [{ id: 'not_connected', message: err.message }], retryable: false };
  return { reason: err instanceof Error ? err.message : String(err), errors: [], retryable: true };
}

/** Publishes a queued listing (or one whose last failure was retryable). */
export async function publishListing(deps: ListingWorkDeps, tenant: number, listingId: string, metadata: CommandMetadata): Promise<ListingOutcome> {
  const { state: listing, version: listingVersion } = await loadListing(deps.store, tenant, listingId);
  if (!listing) return 'nothing_to_do';
  const resumable = listing.status === 'queued' || listing.status === 'publishing' || (listing.status === 'failed' && listing.lastError?.retryable === true);
  if (!resumable) return 'nothing_to_do';
  const publisher = deps.publishers[listing.marketplace];
  const [{ state: product, version: productVersion }, { state: connection }] = await Promise.all([loadProduct(deps.store, tenant, listing.productId), loadConnection(deps.store, tenant, listing.marketplace)]);
  const now = () => deps.clock.now();
  const fail = async (failure: { reason: string; errors: MarketplaceProblem[] }) => {
    await listingCommand(deps, tenant, listingId, { type: 'RecordPublishFailure', ...failure, retryable: false, nextRetryAt: null, now: now() }, metadata);
    return 'failed' as const;
  };
  if (!product || product.status === 'sold' || product.status === 'archived') return fail({ reason: `The product is ${product?.status ?? 'gone'}: it is not published`, errors: [] });
  if (!publisher) return fail({ reason: `Publishing to ${listing.marketplace} is not available on this server`, errors: [] });
  if (connection.status !== 'connected') return fail({ reason: `${listing.marketplace} is not connected`, errors: [{ id: 'not_connected', message: connection.status }] });

  // Started once; a resumed attempt after a crash finds it started already.
  let startedAt = listingVersion;
  if (listing.status !== 'publishing') startedAt = (await listingCommand(deps, tenant, listingId, { type: 'StartPublishing', now: now() }, metadata)).version;
  if (isQueued(publisher)) {
    // Keyed by the attempt's start: a redelivered trigger queues it once, a retry queues afresh.
    const draft = await draftOf(deps, listing, product, connection);
    await publisher.request(tenant, { kind: 'publish', listingId, key: `${listingId}:publish@${startedAt}`, draft, external: listing.external, productVersion, correlationId: metadata.event?.correlation_id });
    return 'handed_over';
  }
  try {
    const token = await deps.credentials.accessToken(tenant, listing.marketplace);
    const draft = await draftOf(deps, listing, product, connection);
    const result = await publisher.publish(token, draft, listing.external, async (external) => {
      await listingCommand(deps, tenant, listingId, { type: 'RecordPublishProgress', external, now: now() }, metadata);
    });
    await listingCommand(deps, tenant, listingId, { type: 'RecordPublished', external: result.external, url: result.url, productVersion, now: now() }, metadata);
    await noteSuccess(deps, tenant, listing.marketplace);
    return 'published';
  } catch (err) {
    const failure = describeFailure(err);
    await deps.credentials.recordCall(tenant, listing.marketplace, failure.reason).catch(() => undefined);
    if (failure.retryable) throw err; // the engine retries with backoff; the reactor records when
    return fail(failure);
  }
}

/**
 * Brings an active listing up to date with its product: a product that can no longer be sold
 * (no stock left, sold, archived) is delisted instead. Coalesced by version: the product is read
 * as it is now, so ten quick edits that arrive before the first update runs are one call, and
 * the triggers behind it find the listing already at that version.
 */
export async function updateListing(deps: ListingWorkDeps, tenant: number, listingId: string, metadata: CommandMetadata): Promise<ListingOutcome> {
  const { state: listing } = await loadListing(deps.store, tenant, listingId);
  if (listing?.status === 'publishing') return withdrawIfUnsellable(deps, tenant, listingId, listing, metadata);
  // An update that was interrupted (a crash mid-call) resumes: the listing is still updating.
  if (!listing || (listing.status !== 'active' && listing.status !== 'updating')) return 'nothing_to_do';
  const [{ state: product, version }, { state: connection }] = await Promise.all([loadProduct(deps.store, tenant, listing.productId), loadConnection(deps.store, tenant, listing.marketplace)]);
  if (!product || version <= listing.productVersion) return 'nothing_to_do';
  const now = () => deps.clock.now();
  if (product.stock_quantity < 1 || product.status === 'sold' || product.status === 'archived') {
    const reason = product.status === 'archived' ? 'the product was archived' : 'the product has no stock left';
    await listingCommand(deps, tenant, listingId, { type: 'RequestDelist', reason, now: now() }, metadata);
    return 'delisted';
  }
  const publisher = deps.publishers[listing.marketplace];
  if (!publisher || connection.status !== 'connected') return 'nothing_to_do';
  // Updating from here until the marketplace (or, for Vinted, the seller's extension) has answered.
  const started = await listingCommand(deps, tenant, listingId, { type: 'StartUpdating', productVersion: version, now: now() }, metadata);
  if (isQueued(publisher)) {
    // Keyed by the update's start, as publications are: a redelivered trigger queues it once, and
    // an update tried again after a failure (the same product version) queues afresh.
    const draft = await draftOf(deps, listing, product, connection);
    await publisher.request(tenant, { kind: 'update', listingId, key: `${listingId}:update@${started.version}`, draft, external: listing.external, productVersion: version, correlationId: metadata.event?.correlation_id });
    return 'handed_over';
  }
  try {
    const token = await deps.credentials.accessToken(tenant, listing.marketplace);
    const learnt = await publisher.update(token, await draftOf(deps, listing, product, connection), listing.external);
    await listingCommand(deps, tenant, listingId, { type: 'RecordUpdated', productVersion: version, ...(learnt ? { external: learnt } : {}), now: now() }, metadata);
    await noteSuccess(deps, tenant, listing.marketplace);
    return 'published';
  } catch (err) {
    const failure = describeFailure(err);
    await deps.credentials.recordCall(tenant, listing.marketplace, failure.reason).catch(() => undefined);
    if (failure.retryable) throw err;
    await listingCommand(deps, tenant, listingId, { type: 'RecordUpdateFailure', ...failure, retryable: false, nextRetryAt: null, now: now() }, metadata);
    return 'failed';
  }
}

/**
 * A publication still waiting for the seller's extension (Vinted) when the product can no longer
 * be sold — its last unit sold elsewhere — is withdrawn before it ever goes live. One the
 * extension already holds is left to finish: once live, it is delisted like any other.
 */
async function withdrawIfUnsellable(deps: ListingWorkDeps, tenant: number, listingId: string, listing: Listing, metadata: CommandMetadata): Promise<ListingOutcome> {
  const publisher = deps.publishers[listing.marketplace];
  if (!publisher || !isQueued(publisher)) return 'nothing_to_do';
  const { state: product } = await loadProduct(deps.store, tenant, listing.productId);
  if (product && product.stock_quantity >= 1 && product.status !== 'sold' && product.status !== 'archived') return 'nothing_to_do';
  if ((await publisher.cancelWaiting(tenant, listingId)) === 0) return 'nothing_to_do';
  const reason = product?.status === 'archived' ? 'the product was archived' : 'the product sold out';
  await listingCommand(deps, tenant, listingId, { type: 'WithdrawPublication', reason, now: deps.clock.now() }, metadata);
  return 'delisted';
}

/** Ends a listing whose delisting was asked. */
export async function delistListing(deps: ListingWorkDeps, tenant: number, listingId: string, metadata: CommandMetadata): Promise<ListingOutcome> {
  const { state: listing, version: listingVersion } = await loadListing(deps.store, tenant, listingId);
  if (!listing || listing.status !== 'delisting') return 'nothing_to_do';
  const publisher = deps.publishers[listing.marketplace];
  const now = () => deps.clock.now();
  if (publisher && isQueued(publisher)) {
    // Updates still waiting would only touch an item about to go.
    await publisher.cancelWaiting(tenant, listingId);
    if (!listing.external.item_id) {
      await listingCommand(deps, tenant, listingId, { type: 'RecordDelisted', now: now() }, metadata);
      return 'delisted';
    }
    await publisher.request(tenant, { kind: 'delete', listingId, key: `${listingId}:delete@${listingVersion}`, draft: null, external: listing.external, productVersion: listing.productVersion, correlationId: metadata.event?.correlation_id });
    return 'handed_over';
  }
  try {
    if (!publisher) throw new Error(`Delisting on ${listing.marketplace} is not available on this server`);
    const token = await deps.credentials.accessToken(tenant, listing.marketplace);
    await publisher.delist(token, listing.external);
    await listingCommand(deps, tenant, listingId, { type: 'RecordDelisted', now: now() }, metadata);
    await noteSuccess(deps, tenant, listing.marketplace);
    return 'delisted';
  } catch (err) {
    const failure = describeFailure(err);
    if (failure.retryable) throw err;
    await listingCommand(deps, tenant, listingId, { type: 'RecordDelistFailure', ...failure, retryable: false, nextRetryAt: null, now: now() }, metadata);
    return 'failed';
  }
}

/**
 * Ends on the marketplace what is left of a listing that sold its product's last units there.
 * eBay and Etsy keep a listing for sale while their own quantity lasts, and theirs may not have
 * caught up with Stoflow's stock: a quantity update still on its way when the buyer came leaves a
 * unit for sale there that Stoflow no longer has. Ending an item the sale ended already changes
 * nothing (the publishers take "not published" and "not active" as done). Vinted's item is one
 * unit: its sale ended it.
 */
export async function closeSoldListing(deps: ListingWorkDeps, tenant: number, listingId: string, metadata: CommandMetadata): Promise<ListingOutcome> {
  const { state: listing } = await loadListing(deps.store, tenant, listingId);
  if (!listing || listing.status !== 'sold_here' || listing.closedAfterSale) return 'nothing_to_do';
  const publisher = deps.publishers[listing.marketplace];
  if (!publisher || isQueued(publisher)) return 'nothing_to_do';
  try {
    const token = await deps.credentials.accessToken(tenant, listing.marketplace);
    await publisher.delist(token, listing.external);
    await listingCommand(deps, tenant, listingId, { type: 'RecordClosedAfterSale', now: deps.clock.now() }, metadata);
    await noteSuccess(deps, tenant, listing.marketplace);
    return 'delisted';
  } catch (err) {
    const failure = describeFailure(err);
    if (failure.retryable) throw err;
    // Refused for good (the grant is gone, the item unknown there): the periodic comparison looks again.
    await deps.credentials.recordCall(tenant, listing.marketplace, failure.reason).catch(() => undefined);
    return 'failed';
  }
}

/** After the engine recorded a failed attempt: the listing says when it is tried again (or that it gave up). */
export async function recordRetryableFailure(deps: ListingWorkDeps, tenant: number, listingId: string, delisting: boolean, failure: { reason: string; errors: MarketplaceProblem[]; nextRetryAt: Date | null }, metadata: CommandMetadata): Promise<void> {
  const retryable = failure.nextRetryAt !== null;
  const reason = retryable ? failure.reason : `${failure.reason} (given up after repeated attempts)`;
  const command: ListingCommand = delisting
    ? { type: 'RecordDelistFailure', reason, errors: failure.errors, retryable, nextRetryAt: failure.nextRetryAt, now: deps.clock.now() }
    : { type: 'RecordPublishFailure', reason, errors: failure.errors, retryable, nextRetryAt: failure.nextRetryAt, now: deps.clock.now() };
  await listingCommand(deps, tenant, listingId, command, metadata);
}
