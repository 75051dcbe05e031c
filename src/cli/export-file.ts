/*
 * A tenant backup: NDJSON, one header line, one line per event in log order (as stored: the
 * schema version the event was written under and its data in that shape, so a restore is the
 * same log, not today's reading of it), and a trailer line that proves the file is complete.
 *
 *   {"format":"stoflow-export","version":1,"tenant":7,"head":1234,"exported_at":"…"}
 *   {"position":1,"stream":"product-…","version":1,"id":"…","type":"ProductCreated","schema_version":2,"data":{…},"metadata":{…},"recorded_at":"…"}
 *   …
 *   {"file":"<object key>","content_type":"image/jpeg","data":"<base64>"}     (the images the log refers to)
 *   …
 *   {"format":"stoflow-export-end","events":1200,"streams":87,"files":42}
 */
import { z } from 'zod';

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

/** An uploaded file the log refers to (a product image), so a restore needs nothing else. */
export const fileLineSchema = z.object({
  file: z.string().regex(/^[0-9a-f]{64}\.(jpg|png|webp)$/),
  content_type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  data: z.base64(),
});

export const trailerSchema = z.object({
  format: z.literal(EXPORT_END),
  events: z.number().int().nonnegative(),
  streams: z.number().int().nonnegative(),
  /** Absent in exports written before files were included. */
  files: z.number().int().nonnegative().optional(),
});

export type ExportHeader = z.infer<typeof headerSchema>;
export type ExportedEvent = z.infer<typeof eventLineSchema>;
export type ExportTrailer = z.infer<typeof trailerSchema>;
export type ExportedFile = z.infer<typeof fileLineSchema>;

/** The object keys of the files an event refers to (product images). */
export function filesOf(type: string, data: unknown): string[] {
  if (type !== 'ProductImageAdded') return [];
  const file = (data as { file?: unknown } | null)?.file;
  return typeof file === 'string' ? [file] : [];
}
