import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { rebuildProjection } from '../../engine/rebuild';
import { createEventStore } from '../../eventstore';
import type { NewEvent } from '../../eventstore/types';
import { allProjections } from '../../projections';
import { ConcurrencyError } from '../../shared/errors';
import { command, defineCommand, examples, EXIT, tenantId, UsageError } from '../command';
import { imageStorage } from '../../infra/storage';
import { eventLineSchema, EXPORT_END, fileLineSchema, headerSchema, trailerSchema, type ExportedEvent, type ExportHeader } from '../export-file';
import { table } from '../format';

const BATCH = 500;

async function* lines(file: string): AsyncGenerator<{ n: number; text: string }> {
  let n = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    n++;
    if (text.trim() !== '') yield { n, text };
  }
}

function parseLine(file: string, n: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${file}:${n}: not JSON`, false);
  }
}

/**
 * Reads the whole file once before writing anything: a truncated or hand-edited backup is refused
 * up front rather than half restored. Each stream must run from version 1 without a gap.
 */
async function scan(file: string): Promise<{ header: ExportHeader; events: number; streams: number; files: number }> {
  let header: ExportHeader | undefined;
  let ended = false;
  let events = 0;
  let files = 0;
  let last = 0;
  const versions = new Map<string, number>();
  for await (const { n, text } of lines(file)) {
    const value = parseLine(file, n, text);
    if (!header) {
      const parsed = headerSchema.safeParse(value);
      if (!parsed.success) throw new UsageError(`${file}:${n}: not a Stoflow export (the first line is not an export header)`, false);
      header = parsed.data;
      continue;
    }
    if (ended) throw new UsageError(`${file}:${n}: lines after the end of the export`, false);
    if ((value as { format?: unknown }).format === EXPORT_END) {
      const trailer = trailerSchema.safeParse(value);
      if (!trailer.success) throw new UsageError(`${file}:${n}: unreadable end line`, false);
      if (trailer.data.events !== events || trailer.data.streams !== versions.size) {
        throw new UsageError(`${file}:${n}: the export says ${trailer.data.events} events in ${trailer.data.streams} streams, the file holds ${events} in ${versions.size}`, false);
      }
      if (trailer.data.files !== undefined && trailer.data.files !== files) {
        throw new UsageError(`${file}:${n}: the export says ${trailer.data.files} files, the file holds ${files}`, false);
      }
      ended = true;
      continue;
    }
    if ((value as { file?: unknown }).file !== undefined) {
      if (!fileLineSchema.safeParse(value).success) throw new UsageError(`${file}:${n}: unreadable file line`, false);
      files++;
      continue;
    }
    const parsed = eventLineSchema.safeParse(value);
    if (!parsed.success) throw new UsageError(`${file}:${n}: not an event line (${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')})`, false);
    const event = parsed.data;
    if (event.position <= last) throw new UsageError(`${file}:${n}: position ${event.position} is not after ${last}: events are out of log order`, false);
    const expected = (versions.get(event.stream) ?? 0) + 1;
    if (event.version !== expected) throw new UsageError(`${file}:${n}: stream ${event.stream} goes to version ${event.version}, expected ${expected}`, false);
    versions.set(event.stream, event.version);
    last = event.position;
    events++;
  }
  if (!header) throw new UsageError(`${file} is empty`, false);
  if (!ended) throw new UsageError(`${file} ends before the end of the export: the file is truncated`, false);
  return { header, events, streams: versions.size, files };
}

/** What is appended: the event as exported, with its original recording time kept in metadata. */
function toNewEvent(event: ExportedEvent): NewEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    schemaVersion: event.schema_version,
    metadata: { ...event.metadata, imported_recorded_at: event.metadata.imported_recorded_at ?? event.recorded_at },
  };
}

export const importCommand = defineCommand<[string], { tenant?: number }>({
  declare: () =>
    command(
      'import',
      'Restore an export into an empty tenant, then rebuild its read models',
      '<file> [--tenant N] [--json]',
      'Appends every event of the file in log order, stream by stream with expected versions (ids, types, schema versions, data and metadata preserved; the original recording time is kept in metadata as imported_recorded_at), then replays every read model of the tenant. The tenant must exist (register it first) and its log must be empty. The file is checked whole before anything is written: a truncated or reordered export is refused.',
    )
      .argument('<file>', 'an export written by stoflow export')
      .option('--tenant <n>', 'the tenant to restore into (default: the tenant the export was taken from)', tenantId('--tenant'))
      .addHelpText('after', examples('stoflow import backups/tenant-7.ndjson', 'stoflow import backups/tenant-7.ndjson --tenant 12')),
  writes: true,
  async run(session, [file], { tenant: named }) {
    if (!existsSync(file)) throw new UsageError(`No such file: ${file}`, false);
    const checked = await scan(file);
    const tenant = named ?? checked.header.tenant;
    await session.requireTenant(tenant);
    const { pool, config, eventStore, tenancy } = await session.services();
    const head = await eventStore.head(tenant);
    if (head > 0n) throw new UsageError(`Tenant ${tenant} already has events (its log is at position ${head}): import restores into an empty tenant only`, false);

    // Appended without the inline projector: one replay at the end builds every read model.
    const store = createEventStore({ pool, tenancy, connectionString: config.EVENTSTORE_CONNECTION_STRING });
    const storage = imageStorage(config.STOFLOW_DATA_DIR);
    const progress = session.progress(`import into tenant ${tenant}`, { total: checked.events, unit: 'events' });
    let imported = 0;
    let restoredFiles = 0;
    try {
      let batch: ExportedEvent[] = [];
      const flush = async (line: number) => {
        const first = batch[0];
        if (!first) return;
        try {
          await store.append(tenant, first.stream, batch.map(toNewEvent), first.version - 1);
        } catch (err) {
          if (err instanceof ConcurrencyError) throw new Error(`Import stopped before line ${line}: stream ${first.stream} of tenant ${tenant} was written to meanwhile (${err.message})`);
          throw err;
        }
        imported += batch.length;
        progress.update(imported);
        batch = [];
      };
      let header = true;
      for await (const { n, text } of lines(file)) {
        if (header) {
          header = false;
          continue;
        }
        const value = JSON.parse(text) as { format?: unknown; file?: unknown };
        if (value.format === EXPORT_END) break;
        if (value.file !== undefined) {
          const stored = fileLineSchema.parse(value);
          await storage.put(stored.file, Buffer.from(stored.data, 'base64'), stored.content_type);
          restoredFiles++;
          continue;
        }
        const event = eventLineSchema.parse(value);
        if (batch.length >= BATCH || (batch[0] && batch[0].stream !== event.stream)) await flush(n);
        batch.push(event);
      }
      await flush(Infinity);
    } finally {
      progress.finish();
      await store.close();
    }

    const replay = session.progress(`rebuild tenant ${tenant}`, { total: checked.events * allProjections.length, unit: 'events' });
    const rebuilt: { projection: string; events: number }[] = [];
    let done = 0;
    for (const projection of allProjections) {
      const result = await rebuildProjection({ pool, tenancy, store: eventStore, tenant, projection, onProgress: (_p, n) => replay.update(done + n) });
      done += checked.events;
      rebuilt.push({ projection: result.projection, events: result.events });
    }
    replay.finish();

    const summary = { tenant, from_tenant: checked.header.tenant, events: imported, streams: checked.streams, files: restoredFiles, rebuilt };
    if (session.json) {
      await session.out.json(summary);
      return EXIT.ok;
    }
    await session.out.line(`Imported ${imported} event(s) in ${checked.streams} stream(s) and ${restoredFiles} file(s) into tenant ${tenant} (exported from tenant ${checked.header.tenant}).`);
    if (rebuilt.length > 0) {
      await session.out.line(
        table(
          [
            { header: 'READ MODEL', value: (r: (typeof rebuilt)[number]) => r.projection },
            { header: 'EVENTS', value: (r: (typeof rebuilt)[number]) => r.events, align: 'right' },
          ],
          rebuilt,
        ),
      );
    }
    return EXIT.ok;
  },
});
