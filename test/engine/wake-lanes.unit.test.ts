/* Which lanes an append wakes, from the types its notification names. */
import { lanesWokenBy } from '../../src/engine/processor';
import { parseNotification } from '../../src/eventstore/postgres-watch';

describe('Waking only the lanes that handle what was appended', () => {
  const lanes = [
    { name: 'projections', handles: new Set(['ProductCreated', 'ProductSold', 'ListingDelisted']) },
    { name: 'reactor:listing_publisher', handles: new Set(['ListingQueued', 'ListingDelistRequested']) },
    { name: 'reactor:stock_depleted_notifier', handles: new Set(['ProductSold']) },
    { name: 'upkeep', handles: new Set<string>() },
    { name: 'all', handles: null },
  ];
  const names = (types: ReadonlySet<string> | undefined) => lanesWokenBy(lanes, types).map((l) => l.name);

  it('When the notification names the types, then only the lanes handling one of them wake (and a lane of any type)', () => {
    expect(names(new Set(['ProductSold']))).toEqual(['projections', 'reactor:stock_depleted_notifier', 'all']);
    expect(names(new Set(['ListingDelistRequested', 'ListingDelisted']))).toEqual(['projections', 'reactor:listing_publisher', 'all']);
    expect(names(new Set(['SkuReserved']))).toEqual(['all']);
  });

  it('When the types are unknown, then every lane wakes', () => {
    expect(names(undefined)).toEqual(lanes.map((l) => l.name));
  });

  it('When a notification is read, then the schema and the types come out; the older form without types says nothing of them', () => {
    expect(parseNotification('client_12:4711:ProductSold,ListingDelistRequested')).toEqual({ schema: 'client_12', types: new Set(['ProductSold', 'ListingDelistRequested']) });
    expect(parseNotification('client_12:4711')).toEqual({ schema: 'client_12', types: undefined });
    expect(parseNotification('')).toEqual({ schema: '', types: undefined });
  });
});
