import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';

/** A validator of feed items against the committed docs/events.schema.json (draft 2020-12). */
export function eventsSchemaValidator() {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'events.schema.json'), 'utf8')) as Record<string, unknown>;
  // Formats (uuid) are checked by their patterns, which the schema carries as well.
  return new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
}
