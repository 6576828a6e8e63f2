import type { SearchDocument } from '../../domain/search/search-document';

/**
 * Names the layout of a snapshot: the engine and its serialisation. A function that finds another
 * format (a snapshot written by a newer or older release) refuses it rather than misread it, and
 * the index worker rebuilds from the catalog.
 */
export const SNAPSHOT_FORMAT = 'cartwheel-search/minisearch-7/1';

/** What a snapshot holds: the documents (for filters, sorting, facets and upserts) and the engine's index. */
export interface SearchSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** The catalog version it was taken at: a function reloads when the stored version is newer. */
  version: number;
  builtAt: string;
  documents: SearchDocument[];
  /** MiniSearch's own plain-object form (`toJSON`). */
  index: unknown;
}

export function encodeSnapshot(content: Pick<SearchSnapshot, 'version' | 'documents' | 'index'>): Buffer {
  const snapshot: SearchSnapshot = { format: SNAPSHOT_FORMAT, builtAt: new Date().toISOString(), ...content };
  return Buffer.from(JSON.stringify(snapshot), 'utf8');
}

export function decodeSnapshot(bytes: Uint8Array | string): SearchSnapshot {
  const text =
    typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  const snapshot = JSON.parse(text) as Partial<SearchSnapshot> | null;
  if (snapshot?.format !== SNAPSHOT_FORMAT) {
    throw new Error(`not a search snapshot of format ${SNAPSHOT_FORMAT} (found ${String(snapshot?.format)})`);
  }
  if (!Number.isInteger(snapshot.version) || !Array.isArray(snapshot.documents) || snapshot.index === undefined) {
    throw new Error('search snapshot without a version, documents or index');
  }
  return snapshot as SearchSnapshot;
}
