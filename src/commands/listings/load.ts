/* Folding the streams a listing decision reads: the listing, its product, its connection. */
import { connectionDecider, connectionStream, type ConnectionState, type Marketplace } from '../../domain/connection/connection';
import { listingDecider, listingStream, type ListingState } from '../../domain/listing/listing';
import { productDecider, productStream } from '../../domain/product/decider';
import type { ProductState } from '../../domain/product/state';
import { fold, type Decider, type DomainEvent } from '../../domain/shared/decider';
import type { EventStore } from '../../eventstore/types';
import { deterministicUuid } from '../command';

async function folded<S>(store: Pick<EventStore, 'readStream'>, tenant: number, stream: string, decider: Pick<Decider<never, DomainEvent, S>, 'evolve' | 'initialState'>): Promise<{ state: S; version: number }> {
  const history = await store.readStream(tenant, stream);
  return { state: fold(decider, history as unknown as DomainEvent[]), version: history.length > 0 ? history[history.length - 1]!.streamVersion : 0 };
}

export const loadProduct = (store: Pick<EventStore, 'readStream'>, tenant: number, productId: string) =>
  folded<ProductState>(store, tenant, productStream(productId), productDecider as unknown as Decider<never, DomainEvent, ProductState>);

export const loadConnection = (store: Pick<EventStore, 'readStream'>, tenant: number, marketplace: Marketplace) =>
  folded<ConnectionState>(store, tenant, connectionStream(marketplace), connectionDecider as unknown as Decider<never, DomainEvent, ConnectionState>);

export const loadListing = (store: Pick<EventStore, 'readStream'>, tenant: number, listingId: string) =>
  folded<ListingState>(store, tenant, listingStream(listingId), listingDecider as unknown as Decider<never, DomainEvent, ListingState>);

/** A product has one listing per marketplace: its id follows from the two. */
export function listingIdOf(tenant: number, productId: string, marketplace: Marketplace): string {
  return deterministicUuid(`${tenant}:listing:${productId}:${marketplace}`, 0);
}
