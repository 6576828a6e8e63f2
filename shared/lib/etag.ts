import { createHash } from 'node:crypto';

/** A strong ETag over a representation: changes whenever any field of it changes. */
export function strongEtag(representation: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(representation)).digest('base64url');
  return `"${digest.slice(0, 27)}"`;
}
