/**
 * The comparison's Orama side: the same documents and queries as the embedded MiniSearch index,
 * with Orama's own features where it has them (where filters, sortBy, facets, limit/offset) and the
 * domain's folding and splitting of text as its tokenizer, so both engines see the same terms.
 * Only for the bench: Orama is a devDependency.
 */
import { create, insertMultiple, load, type Orama, type RawData, remove, save, search } from '@orama/orama';
import type { SearchDocument } from '../../../shared/domain/search/search-document';
import type { IndexQuery } from '../../../shared/domain/search/search-ports';
import { indexTerms, queryWords } from '../../../shared/domain/search/search-text';
import type { Engine, EngineIndex, EnginePage } from './engine';

const schema = {
  id: 'string',
  name: 'string',
  description: 'string',
  category: 'string',
  categoryKey: 'enum',
  optionValues: 'string[]',
  skus: 'string[]',
  price: 'number',
  available: 'number',
  active: 'boolean',
  createdMs: 'number',
} as const;

type Db = Orama<typeof schema>;
const PROPERTIES = ['name', 'optionValues', 'category', 'skus', 'description'] as const;
const BOOST = { name: 4, optionValues: 2, category: 1.5 };

const tokenizer = () => ({
  language: 'english',
  normalizationCache: new Map<string, string>(),
  tokenize: (raw: string) => indexTerms(raw),
});

const newDb = (): Db => create({ schema, components: { tokenizer: tokenizer() } }) as Db;

const toRow = (document: SearchDocument) => ({
  id: document.id,
  name: document.name,
  description: document.description,
  category: document.category,
  categoryKey: document.category,
  optionValues: document.optionValues,
  skus: document.skus,
  price: document.price,
  available: document.available,
  active: document.active,
  createdMs: Date.parse(document.createdAt),
});

function wrap(db: Db): EngineIndex {
  return {
    async search(query: IndexQuery & { offset?: number }): Promise<EnginePage> {
      const where: Record<string, unknown> = { active: true };
      if (query.category !== undefined) where.categoryKey = { eq: query.category };
      if (query.minPrice !== undefined || query.maxPrice !== undefined) {
        where.price = { between: [query.minPrice ?? 0, query.maxPrice ?? Number.MAX_SAFE_INTEGER] };
      }
      if (query.inStock) where.available = { gt: 0 };
      const sortBy =
        query.sort === 'relevance'
          ? undefined
          : {
              property: query.sort === 'newest' ? 'createdMs' : 'price',
              order: query.sort === 'price-asc' ? 'ASC' : 'DESC',
            };
      const words = queryWords(query.q ?? '');
      // Browsing asks for no term at all: an empty term over the properties scans every term (~0.7 s at 10,000).
      const text =
        words.length === 0
          ? {}
          : // threshold 0: only documents that contain every term.
            { term: words.join(' '), properties: [...PROPERTIES], boost: BOOST, tolerance: 1, threshold: 0 };
      const result = await search(db, {
        ...text,
        where,
        sortBy,
        facets: { categoryKey: {} },
        limit: query.limit,
        offset: query.offset ?? 0,
      } as never);
      const values = (result.facets?.categoryKey?.values ?? {}) as Record<string, number>;
      return {
        ids: result.hits.map((hit) => hit.id),
        total: result.count,
        facets: Object.entries(values).map(([value, count]) => ({ value, count })),
      };
    },
    async upsert(document) {
      await remove(db, document.id);
      if (document.active) await insertMultiple(db, [toRow(document)]);
    },
    async snapshot() {
      return Buffer.from(JSON.stringify(save(db)), 'utf8');
    },
  };
}

async function buildOramaIndex(documents: SearchDocument[]): Promise<EngineIndex> {
  const db = newDb();
  await insertMultiple(db, documents.filter((document) => document.active).map(toRow), 1000);
  return wrap(db);
}

function loadOramaIndex(bytes: Buffer): EngineIndex {
  const db = newDb();
  load(db, JSON.parse(bytes.toString('utf8')) as RawData);
  return wrap(db);
}

export const orama: Engine = {
  id: 'orama',
  label: 'Orama 3.1.18',
  packageName: '@orama/orama',
  build: buildOramaIndex,
  load: loadOramaIndex,
};
