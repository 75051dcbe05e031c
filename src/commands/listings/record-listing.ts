/*
 * What happens to a listing away from the calls Stoflow makes there: it sold on its marketplace,
 * the marketplace (or the seller on it) ended it, the seller disconnected the marketplace, or the
 * engine gave up on an update. Issued by reactors and the marketplace sync; the decider says
 * whether anything changes, so a fact seen twice is recorded once.
 */
import { listingDecider, listingStream, type ListingCommand, type ListingStatus } from '../../domain/listing/listing';
import { runCommand, type CommandDeps, type CommandMetadata } from '../command';
import { loadListing } from './load';

export type ListingMark = Extract<ListingCommand, { type: 'MarkSoldHere' | 'MarkEndedExternally' | 'MarkDisconnected' }>;

/** The listing's status afterwards. */
export async function markListing(deps: CommandDeps, tenant: number, listingId: string, mark: ListingMark, metadata: CommandMetadata): Promise<ListingStatus | null> {
  const outcome = await runCommand(deps, tenant, { stream: listingStream(listingId), decider: listingDecider, command: mark }, { ...metadata, expectedVersion: undefined });
  return outcome.state?.status ?? null;
}

/**
 * The engine gave up on an update: a listing it left `updating` is live still, at the version it
 * had, and says why it lags. Only that one: the product's other listings were updated, or never
 * started, in the same reaction.
 */
export async function recordUpdateGivenUp(deps: CommandDeps, tenant: number, listingId: string, reason: string, metadata: CommandMetadata): Promise<void> {
  const { state } = await loadListing(deps.store, tenant, listingId);
  if (state?.status !== 'updating') return;
  const command: ListingCommand = { type: 'RecordUpdateFailure', reason: `${reason} (given up after repeated attempts)`, errors: [], retryable: false, nextRetryAt: null, now: deps.clock.now() };
  await runCommand(deps, tenant, { stream: listingStream(listingId), decider: listingDecider, command }, { ...metadata, expectedVersion: undefined });
}
