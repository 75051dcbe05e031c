import { z } from 'zod';

/**
 * A tenant backup: NDJSON, one header line, one line per event in log order (as stored: the
 * schema version the event was written under and its data in that shape, so a restore is the
 * same log, not today's reading of it), and a trailer line that proves the file is complete.
 *
 *   {"format":"stoflow-export","version":1,"tenant":7,"head":1234,"exported_at":"…"}
 *   {"position":1,"stream":"product-…","version":1,"id":"…","type":"ProductCreated","schema_version":2,"data":{…},"metadata":{…},"recorded_at":"…"}
 *   …
 *   {"format":"stoflow-export-end","events":1200,"streams":87}
 */
export const EXPORT_FORMAT = 'stoflow-export';
export const EXPORT_END = 'stoflow-export-end';

export const headerSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  tenant: z.number().int().positive(),
  head: z.number().int().nonnegative(),
  exported_at: z.string(),
});

export const eventLineSchema = z.object({
  position: z.number().int().positive(),
  stream: z.string().min(1),
  version: z.number().int().positive(),
  id: z.uuid(),
  type: z.string().min(1),
  schema_version: z.number().int().positive(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
  recorded_at: z.iso.datetime({ offset: true }),
});

export const trailerSchema = z.object({
  format: z.literal(EXPORT_END),
  events: z.number().int().nonnegative(),
  streams: z.number().int().nonnegative(),
});

export type ExportHeader = z.infer<typeof headerSchema>;
export type ExportedEvent = z.infer<typeof eventLineSchema>;
export type ExportTrailer = z.infer<typeof trailerSchema>;
