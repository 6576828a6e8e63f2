import {
  buildEmbeddedSearchIndex,
  type EmbeddedSearchIndex,
  loadEmbeddedSearchIndex,
} from '../../../shared/adapters/search/embedded-search-index';
import type { SearchDocument } from '../../../shared/domain/search/search-document';
import type { Engine, EngineIndex } from './engine';

/** The project's adapter, as the search function would run it. */
function fromEmbedded(index: EmbeddedSearchIndex, snapshot: () => Promise<Buffer>): EngineIndex {
  return {
    async search(query) {
      const page = await index.search(query);
      return { ids: page.hits.map((hit) => hit.document.id), total: page.total, facets: page.facets.category };
    },
    upsert: (document) => index.upsert(document),
    snapshot,
  };
}

export const miniSearch: Engine = {
  id: 'minisearch',
  label: 'MiniSearch 7.2.0',
  packageName: 'minisearch',
  async build(documents) {
    const index = buildEmbeddedSearchIndex(documents, { version: 1 });
    return fromEmbedded(index, () => index.snapshot());
  },
  load(bytes) {
    const index = loadEmbeddedSearchIndex(bytes);
    return fromEmbedded(index, () => index.snapshot());
  },
};

/** The same adapter, its snapshot only the documents: the index is rebuilt at load. */
export const miniSearchRebuild: Engine = {
  id: 'minisearch-rebuild',
  label: 'MiniSearch 7.2.0, documents only (index rebuilt at load)',
  packageName: 'minisearch',
  async build(documents) {
    const index = buildEmbeddedSearchIndex(documents, { version: 1 });
    return fromEmbedded(index, async () => Buffer.from(JSON.stringify(documents.filter((d) => d.active))));
  },
  load(bytes) {
    const documents = JSON.parse(bytes.toString('utf8')) as SearchDocument[];
    const index = buildEmbeddedSearchIndex(documents, { version: 1 });
    return fromEmbedded(index, async () => bytes);
  },
};
