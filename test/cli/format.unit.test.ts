import { Writable } from 'node:stream';
import type { RecordedEvent } from '../../src/eventstore/types';
import { describeChanges, eventTime, streamOf, timeline } from '../../src/cli/changes';
import { describeDrift } from '../../src/cli/commands/verify';
import { formatDuration, table, toJson } from '../../src/cli/format';
import { createProgress, renderProgress } from '../../src/cli/progress';

const PRODUCT = '0b6d51f2-6f0e-4a43-9a5e-0f1f7c1e2d3a';

function recorded(version: number, type: string, data: unknown, metadata: Record<string, unknown> = {}): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-00000000000${version}`,
    type,
    data,
    schemaVersion: 1,
    metadata,
    streamId: `product-${PRODUCT}`,
    streamVersion: version,
    position: BigInt(version * 10),
    recordedAt: new Date(Date.UTC(2024, 4, 1, 12, version)),
  };
}

const created = recorded(1, 'ProductCreated', {
  product_id: PRODUCT,
  sku: 'JKT-1',
  title: 'Veste en jean',
  description: '',
  category: 'women-jackets',
  brand: null,
  size: 'm',
  color: 'blue',
  gender: 'women',
  condition: 'very_good',
  cost_price_cents: null,
  price_cents: 3990,
  stock_quantity: 1,
  created_at: '2024-05-01T12:01:00.000Z',
});

describe('CLI formatting', () => {
  describe('tables', () => {
    it('When rows are tabulated, then columns align, numbers right, and only the last column is left whole', () => {
      const long = 'x'.repeat(80);
      const text = table(
        [
          { header: 'TENANT', value: (r: { id: number; name: string; note: string }) => r.id, align: 'right' },
          { header: 'NAME', value: (r) => r.name },
          { header: 'NOTE', value: (r) => r.note },
        ],
        [
          { id: 7, name: long, note: long },
          { id: 12345, name: 'Shop', note: '' },
        ],
      );
      const lines = text.split('\n');
      expect(lines[0]).toBe(`TENANT  NAME${' '.repeat(56)}  NOTE`);
      expect(lines[2]).toBe(`     7  ${'x'.repeat(59)}…  ${long}`);
      expect(lines[3]).toBe(`12,345  Shop${' '.repeat(56)}  –`);
    });

    it('When positions are bigints, then JSON carries them as numbers', () => {
      expect(toJson({ position: 42n })).toBe('{"position":42}');
      expect(toJson({ position: 2n ** 60n })).toBe('{"position":"1152921504606846976"}');
    });

    it('When durations are shown, then minutes and hours read like a clock', () => {
      expect([formatDuration(4_000), formatDuration(65_000), formatDuration(3_725_000)]).toEqual(['0:04', '1:05', '1:02:05']);
    });
  });

  describe('progress', () => {
    it('When part of the work is done, then the bar shows percent, counts, rate and ETA', () => {
      expect(renderProgress('replay', 2500, 10_000, 5000, 'events', 10)).toBe('replay  [###.......]  25%  2,500/10,000  500 events/s  ETA 0:15');
      expect(renderProgress('events', 300, undefined, 2000, 'events')).toBe('events  300 events  150 events/s  0:02');
    });

    describe('drawn by cli-progress', () => {
      beforeEach(() => jest.useFakeTimers({ now: 0 }));
      afterEach(() => jest.useRealTimers());

      /** stderr as the bar sees it: a terminal (isTTY, columns) or a pipe. */
      function stderr(tty: boolean): { stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }; text(): string } {
        const chunks: string[] = [];
        const stream = new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(chunk.toString());
            done();
          },
        }) as Writable & { isTTY?: boolean; columns?: number };
        if (tty) Object.assign(stream, { isTTY: true, columns: 120 });
        return { stream, text: () => chunks.join('') };
      }

      it('When updates come faster than the terminal needs, then it redraws in place at most ten times a second, and always at the end', () => {
        const err = stderr(true);
        const progress = createProgress({ label: 'verify', total: 100, unit: 'events', stream: err.stream });
        for (let i = 1; i <= 100; i++) {
          jest.advanceTimersByTime(5);
          progress.update(i);
        }
        progress.finish();
        const text = err.text();
        // Each redraw goes back to the first column (ESC [1G) and writes the bar up to the next escape.
        const drawn = text
          .split('\u001b[1G')
          .slice(1)
          .map((draw) => draw.slice(0, draw.indexOf('\u001b')));
        expect(drawn.length).toBeLessThanOrEqual(8);
        expect(drawn.at(-1)).toBe(renderProgress('verify', 100, 100, 500, 'events'));
        expect(drawn.at(-1)).toMatch(/100% {2}100\/100 {2}200 events\/s {2}ETA 0:00$/);
        // Redrawn on one line; the line ends once, when the work is done.
        expect(text.indexOf('\n')).toBe(text.length - 1);
        progress.finish();
        expect(err.text()).toBe(text);
      });

      it('When stderr is not a terminal, then it prints whole lines, at most one a second', () => {
        const err = stderr(false);
        const progress = createProgress({ label: 'import', total: 10, stream: err.stream });
        for (let i = 1; i <= 10; i++) {
          jest.advanceTimersByTime(300);
          progress.update(i);
        }
        progress.finish();
        const text = err.text();
        expect(text.includes('\r') || text.includes('\u001b')).toBe(false);
        expect(text.endsWith('\n')).toBe(true);
        const lines = text.slice(0, -1).split('\n');
        // At the start, after 1, 2 and 3 seconds, and the end.
        expect(lines).toHaveLength(5);
        expect(lines[0]).toBe(renderProgress('import', 0, 10, 0, 'items'));
        expect(lines.at(-1)).toBe(renderProgress('import', 10, 10, 3000, 'items'));
      });
    });
  });

  describe('history', () => {
    it('When a product stream is read, then each event lists the fields it changed, from and to', () => {
      const entries = timeline(`product-${PRODUCT}`, [
        created,
        recorded(2, 'ProductPriceChanged', { price_cents: 2490, previous_price_cents: 3990, changed_at: '2024-05-01T12:02:00.000Z' }),
        recorded(3, 'ProductDetailsUpdated', { changes: { title: 'Veste en jean brut' }, updated_at: '2024-05-01T12:03:00.000Z' }),
      ]);
      expect(entries[0]!.changes).toEqual(expect.arrayContaining([{ field: 'sku', to: 'JKT-1' }, { field: 'price_cents', to: 3990 }]));
      expect(describeChanges(entries[1]!.changes)).toBe('price_cents 3990 → 2490');
      expect(describeChanges(entries[2]!.changes)).toBe('title "Veste en jean" → "Veste en jean brut"');
      expect(entries[2]!.state).toMatchObject({ price_cents: 2490, details: { title: 'Veste en jean brut' } });
    });

    it('When another stream or an unknown event is read, then its data stands for the changes', () => {
      const entries = timeline('reactions-stock', [{ ...created, streamId: 'reactions-stock', type: 'ReactionFailed', data: { attempt: 2 } }]);
      expect(entries[0]!.changes).toEqual([{ field: 'attempt', to: 2 }]);
      const unknown = timeline(`product-${PRODUCT}`, [created, recorded(2, 'ProductTeleported', { to: 'moon' })]);
      expect(describeChanges(unknown[1]!.changes)).toBe('to="moon"');
    });

    it('When an event was imported, then its time is the original one', () => {
      const imported = recorded(1, 'ProductCreated', {}, { imported_recorded_at: '2023-01-02T03:04:05.000Z' });
      expect(eventTime(imported).toISOString()).toBe('2023-01-02T03:04:05.000Z');
      expect(eventTime(created)).toEqual(created.recordedAt);
    });

    it('When a product id is given, then it stands for its stream; other names are streams', () => {
      expect(streamOf(PRODUCT.toUpperCase())).toBe(`product-${PRODUCT}`);
      expect(streamOf('reactions-stock')).toBe('reactions-stock');
    });
  });

  it('When verify finds drift, then rows are paired by key and only the differing fields are named', () => {
    const lines = describeDrift({
      table: 'products',
      unexpected: [
        { id: 'a', price_cents: 1, title: 'T' },
        { id: 'ghost', price_cents: 5, title: 'G' },
      ],
      missing: [
        { id: 'a', price_cents: 2490, title: 'T' },
        { id: 'lost', price_cents: 7, title: 'L' },
      ],
    });
    expect(lines).toEqual([
      '  id="a": price_cents is 1, the log says 2490',
      '  id="ghost": in the live table, but a rebuild does not produce it',
      '  id="lost": missing from the live table',
    ]);
  });
});
