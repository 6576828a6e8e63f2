/**
 * `npm run event-schemas`: writes one JSON Schema (draft 2020-12) per event type Cartwheel sends to
 * `docs/events/<type>.schema.json`, from the same zod schemas as the API (shared/api/event-schemas.ts).
 * `npm test` fails when the files in the repository are not what this would write.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EVENT_SCHEMAS } from '../shared/api/event-schemas';
import * as z from '../shared/lib/zod';
import { repoRoot } from './local/paths';

export const EVENT_SCHEMA_DIR = path.join(repoRoot, 'docs', 'events');

/** File name → its text, for every event type. */
export function eventJsonSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const schema of EVENT_SCHEMAS) {
    const type = schema.shape.type.def.values[0] as string;
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' });
    const document = { $id: `https://cartwheel.dev/events/${type}.schema.json`, title: type, ...json };
    files.set(`${type}.schema.json`, `${JSON.stringify(document, null, 2)}\n`);
  }
  return files;
}

if (require.main === module) {
  mkdirSync(EVENT_SCHEMA_DIR, { recursive: true });
  for (const stale of readdirSync(EVENT_SCHEMA_DIR).filter((file) => file.endsWith('.schema.json')))
    rmSync(path.join(EVENT_SCHEMA_DIR, stale));
  for (const [file, text] of eventJsonSchemas()) writeFileSync(path.join(EVENT_SCHEMA_DIR, file), text);
  process.stdout.write(
    `wrote ${EVENT_SCHEMAS.length} event schemas to ${path.relative(process.cwd(), EVENT_SCHEMA_DIR)}/\n`,
  );
}
