import type { IndexedDocument } from '../../domain/search/search-document';
import type { CompactIndex } from './minisearch-snapshot';

/**
 * Names the layout of a snapshot: the engine and its serialisation. A function that finds another
 * format (a snapshot written by a newer or older release) refuses it rather than misread it, and
 * the index worker rebuilds from the catalog.
 */
export const SNAPSHOT_FORMAT = 'cartwheel-search/minisearch-7/3';

/** A document as a snapshot keeps it: what hits are filtered, sorted and counted by, and its searched form's digest. */
export type HeldDocument = IndexedDocument & {
  /** Digest of the document's searched form (search-indexing.ts), so the index worker sees what changed. */
  form: string;
};

/**
 * What a snapshot holds: the documents without their text (the engine's index has the terms), and
 * the engine's index without the skus, which are found by a sorted list instead (a sku is one
 * term of its own each: in the engine's tree they were most of its terms and of its load time).
 */
export interface SearchSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** The catalog version it was taken at: a function reloads when the stored version is newer. */
  version: number;
  builtAt: string;
  documents: HeldDocument[];
  /** Every sku term (search-text.ts `skuTerm`) with the product it finds, sorted by term (sku-list.ts). */
  skus: Array<[term: string, id: string]>;
  /** MiniSearch's index, its postings flat (minisearch-snapshot.ts). */
  index: CompactIndex;
}

export function encodeSnapshot(content: Pick<SearchSnapshot, 'version' | 'documents' | 'skus' | 'index'>): Buffer {
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
  if (
    !Number.isInteger(snapshot.version) ||
    !Array.isArray(snapshot.documents) ||
    !Array.isArray(snapshot.skus) ||
    !Array.isArray(snapshot.index?.terms) ||
    typeof snapshot.index.engine !== 'object'
  ) {
    throw new Error('search snapshot without a version, documents, skus or index');
  }
  return snapshot as SearchSnapshot;
}
