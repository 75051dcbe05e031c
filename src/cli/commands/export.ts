import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createEventStore } from '../../eventstore';
import { command, defineCommand, examples, EXIT, tenantId } from '../command';
import { eventLine } from '../event-line';
import { imageStorage } from '../../infra/storage';
import { EXPORT_END, EXPORT_FORMAT, filesOf, type ExportedFile, type ExportHeader, type ExportTrailer } from '../export-file';
import { createOutput, type Output } from '../output';

const PAGE = 1000;

export const exportCommand = defineCommand<[number], { out?: string }>({
  declare: () =>
    command(
      'export',
      "A tenant's whole log as NDJSON (a backup that `stoflow import` restores)",
      '<tenant> [--out FILE]',
      "Writes a header line, every event of the tenant's log in order exactly as stored (ids, types, schema versions, data, metadata, recording times), the image files the log refers to (base64), and a trailer line counting them. Reads up to the head of the log as it was when the export started, so it is consistent while the service runs.",
    )
      .argument('<tenant>', 'the tenant id (see stoflow tenants)', tenantId())
      .option('--out <file>', 'write to FILE (via FILE.partial, renamed once complete) instead of stdout; missing folders are created')
      .addHelpText('after', examples('stoflow export 7 --out backups/tenant-7.ndjson', 'stoflow export 7 | gzip > tenant-7.ndjson.gz')),
  async run(session, [tenant], { out: file }) {
    await session.requireTenant(tenant);
    const { pool, config, tenancy } = await session.services();
    const partial = file === undefined ? undefined : `${resolve(file)}.partial`;
    // `--out backups/tenant-7.ndjson` in a fresh checkout: the folder comes with the file.
    if (partial !== undefined) await mkdir(dirname(partial), { recursive: true });
    // Without upcasters: the backup holds each event as it was written, not as today's code reads it.
    const raw = createEventStore({ pool, tenancy, connectionString: config.EVENTSTORE_CONNECTION_STRING });
    const out: Output = partial === undefined ? session.out : createOutput(createWriteStream(partial), { closeOnEnd: true });
    try {
      const head = await raw.head(tenant);
      const header: ExportHeader = { format: EXPORT_FORMAT, version: 1, tenant, head: Number(head), exported_at: new Date().toISOString() };
      await out.jsonLine(header);
      const progress = session.progress(`export tenant ${tenant}`, { total: Number(head), unit: 'events' });
      const streams = new Set<string>();
      const referenced = new Set<string>();
      let events = 0;
      let position = 0n;
      while (position < head && !out.closed) {
        const page = await raw.readLog(tenant, position, PAGE);
        for (const event of page) {
          if (event.position > head) break;
          await out.jsonLine(eventLine(event));
          for (const key of filesOf(event.type, event.data)) referenced.add(key);
          streams.add(event.streamId);
          events++;
        }
        if (page.length < PAGE) break;
        position = page[page.length - 1]!.position;
        progress.update(Number(position));
      }
      // The images the log refers to and storage still holds (a removed image may be gone).
      const storage = imageStorage(config.STOFLOW_DATA_DIR);
      let files = 0;
      for (const key of referenced) {
        if (out.closed) break;
        const stored = await storage.get(key);
        if (!stored) continue;
        const line: ExportedFile = { file: key, content_type: stored.contentType as ExportedFile['content_type'], data: stored.bytes.toString('base64') };
        await out.jsonLine(line);
        files++;
      }
      const trailer: ExportTrailer = { format: EXPORT_END, events, streams: streams.size, files };
      await out.jsonLine(trailer);
      progress.update(Number(head));
      progress.finish();
      if (out.closed && partial === undefined) return EXIT.ok; // the reader of stdout went away
      if (partial !== undefined) {
        await out.end();
        await rename(partial, resolve(file!));
      }
      const summary = { tenant, events, streams: streams.size, files, head, file: file === undefined ? null : resolve(file) };
      if (session.json && file !== undefined) await session.out.json(summary);
      else session.note(`Exported ${events} event(s) in ${streams.size} stream(s) and ${files} file(s) of tenant ${tenant}${file === undefined ? '' : ` to ${file}`}`);
      return EXIT.ok;
    } catch (err) {
      if (partial !== undefined) {
        await out.end().catch(() => undefined);
        await rm(partial, { force: true });
      }
      throw err;
    } finally {
      await raw.close();
    }
  },
});
