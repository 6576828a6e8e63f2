/** What the comparison asks of each engine: build, snapshot, load and query, the same way for all. */
import type { SearchDocument } from '../../../shared/domain/search/search-document';
import type { FacetCount, IndexQuery } from '../../../shared/domain/search/search-ports';

export interface EnginePage {
  ids: string[];
  total: number;
  facets: FacetCount[];
}

export interface EngineIndex {
  search(query: IndexQuery): Promise<EnginePage>;
  upsert(document: SearchDocument): Promise<void>;
  snapshot(): Promise<Buffer>;
}

export interface Engine {
  /** Short id, also the cold-load entry's suffix. */
  id: string;
  label: string;
  /** The npm package whose bytes a function's bundle gains. */
  packageName: string;
  build(documents: SearchDocument[]): Promise<EngineIndex>;
  load(bytes: Buffer): EngineIndex | Promise<EngineIndex>;
}
