import {
  buildEmbeddedSearchIndex,
  type EmbeddedSearchIndex,
  loadEmbeddedSearchIndex,
} from '../../../shared/adapters/search/embedded-search-index';
import type { IndexQuery, SearchSort } from '../../../shared/domain/search/search-ports';
import { codeOf } from '../../support/app-error';
import { FIXTURE, fixtureDocument, fixtureDocuments, pagingDocuments } from './search-catalog';

const index = () => buildEmbeddedSearchIndex(fixtureDocuments(), { version: 7 });

async function skus(search: EmbeddedSearchIndex, q: string | undefined, extra: Partial<IndexQuery> = {}) {
  const page = await search.search({ q, sort: q ? 'relevance' : 'newest', limit: 100, ...extra });
  return page.hits.map((hit) => hit.document.id);
}

/** Every page of a query, limit by limit, following `next`. */
async function allPages(search: EmbeddedSearchIndex, query: Omit<IndexQuery, 'after'>) {
  const ids: string[] = [];
  let after: Record<string, unknown> | undefined;
  for (let pages = 0; pages < 100; pages++) {
    // Through JSON, as the cursor carries it.
    const page = await search.search({ ...query, after: after && JSON.parse(JSON.stringify(after)) });
    ids.push(...page.hits.map((hit) => hit.document.id));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error('paging did not end');
}

describe('embedded search index: matching', () => {
  it('ignores case and accents, in the query and in the products', async () => {
    const search = index();
    expect(await skus(search, 'creme brulee')).toEqual(['CREME-TORCH']);
    expect(await skus(search, 'CRÈME')).toEqual(['CREME-TORCH']);
    expect(await skus(search, 'Classic MUG')).toEqual(['MUG-CLASSIC-01']);
  });

  it('requires every word of the query', async () => {
    const search = index();
    expect(await skus(search, 'classic')).toEqual(expect.arrayContaining(['MUG-CLASSIC-01', 'TSHIRT-CLASSIC']));
    expect(await skus(search, 'classic mug')).toEqual(['MUG-CLASSIC-01']);
    expect(await skus(search, 'classic mug teapot')).toEqual([]);
  });

  it('matches the last word as a prefix while typing, and only the last', async () => {
    const search = index();
    expect(await skus(search, 'mu')).toEqual(['MUG-CLASSIC-01']);
    expect(await skus(search, 'coffee cu')).toEqual(['CUP-COFFEE']);
    // "cof" is not the last word: it must be a whole word.
    expect(await skus(search, 'cof cup')).toEqual([]);
    expect(await skus(search, 'cup cof')).toEqual(['CUP-COFFEE']);
  });

  it('forgives one typo in a word of five letters or more', async () => {
    const search = index();
    expect(await skus(search, 'tshrit')).toEqual(['TSHIRT-CLASSIC']); // two neighbours swapped
    expect(await skus(search, 'linnen')).toEqual(['SHADE-LINEN']); // a letter too many
    expect(await skus(search, 'shadr')).toEqual(['SHADE-LINEN']); // a letter replaced
    expect(await skus(search, 'clasic mug')).toEqual(['MUG-CLASSIC-01']); // a letter missing, not the last word
  });

  it('forgives no second typo, and none in a word shorter than five letters', async () => {
    const search = index();
    expect(await skus(search, 'lonan')).toEqual([]); // two letters replaced
    expect(await skus(search, 'cap')).toEqual(['CAP-BASEBALL']); // not the coffee cup
    expect(await skus(search, 'cup')).toEqual(['CUP-COFFEE']);
    expect(await skus(search, 'lamo')).toEqual([]);
  });

  it('finds a joined word written with or without its hyphen, and by its parts', async () => {
    const search = index();
    expect(await skus(search, 'tshirt')).toContain('TSHIRT-CLASSIC');
    expect(await skus(search, 'T-Shirt')).toContain('TSHIRT-CLASSIC');
    expect(await skus(search, 'shirt')).toEqual(['TSHIRT-CLASSIC']);
  });

  it('ranks a match in the name above matches in the description', async () => {
    const search = index();
    expect(await skus(search, 'lamp')).toEqual(['LAMP-DESK', 'SHADE-LINEN']);
    expect(await skus(search, 'desk lamp')).toEqual(['LAMP-DESK', 'SHADE-LINEN']);
  });

  it("finds products by their active variants' option values and skus", async () => {
    const search = index();
    expect(await skus(search, 'blue shirt')).toEqual(['TSHIRT-CLASSIC']);
    expect(await skus(search, 'red')).toEqual(['TSHIRT-CLASSIC']);
    expect(await skus(search, 'green')).toEqual([]);
    expect(await skus(search, 'TSHIRT-CLASSIC-M-RED')).toEqual(['TSHIRT-CLASSIC']);
    expect(await skus(search, 'mug-classic-01')).toEqual(['MUG-CLASSIC-01']);
  });

  it('finds a sku with underscores whole, as it is typed', async () => {
    const search = buildEmbeddedSearchIndex(
      [fixtureDocument({ sku: 'MUG_01_B', name: 'Enamel mug', category: 'Kitchen', price: 900, day: 9 })],
      { version: 1 },
    );
    expect(await skus(search, 'MUG_01_B')).toEqual(['MUG_01_B']);
    expect(await skus(search, 'mug_01')).toEqual(['MUG_01_B']);
    expect(await skus(search, 'MUG_01_C')).toEqual([]);
  });

  it('finds a sku whole or while it is typed, never by a part or with a typo, and beside other words', async () => {
    const search = index();
    expect(await skus(search, 'TSHIRT-CLASSIC-M')).toEqual(['TSHIRT-CLASSIC']);
    expect(await skus(search, 'tshirt-classic-m-red shirt')).toEqual(['TSHIRT-CLASSIC']);
    expect(await skus(search, 'classic MUG-CLASS')).toEqual(['MUG-CLASSIC-01']);
    expect(await skus(search, 'teapot MUG-CLASSIC-01')).toEqual([]);
    expect(await skus(search, 'MUG-CLASSIC-01 teapot')).toEqual([]);
    expect(await skus(search, 'TSHIRT-CLASIC-M-RED')).toEqual([]);
    // A deactivated variant's sku no longer finds its product, in the index and in its snapshot.
    const shirt = FIXTURE[0] as (typeof FIXTURE)[number];
    await search.upsert(
      fixtureDocument({
        ...shirt,
        variants: shirt.variants?.filter((variant) => variant.sku !== 'TSHIRT-CLASSIC-M-RED'),
      }),
    );
    expect(await skus(search, 'TSHIRT-CLASSIC-M-RED')).toEqual([]);
    expect(await skus(search, 'TSHIRT-CLASSIC-S-BLUE')).toEqual(['TSHIRT-CLASSIC']);
    const loaded = loadEmbeddedSearchIndex(await search.snapshot());
    expect(await skus(loaded, 'TSHIRT-CLASSIC-M-RED')).toEqual([]);
    expect(await skus(loaded, 'tshirt-classic-s')).toEqual(['TSHIRT-CLASSIC']);
  });

  it('never finds an inactive product, by its words or by browsing', async () => {
    const search = index();
    expect(await skus(search, 'retired')).toEqual([]);
    expect(await skus(search, undefined)).not.toContain('LAMP-RETIRED');
    await search.upsert({ ...fixtureDocument(FIXTURE[5] as (typeof FIXTURE)[number]), active: false });
    expect(await skus(search, 'warm')).toEqual([]);
  });
});

describe('embedded search index: filters, sorting and facets', () => {
  it('keeps only products in stock with inStock', async () => {
    const search = index();
    expect(await skus(search, 'vase')).toEqual(['VASE-GLASS']);
    expect(await skus(search, 'vase', { inStock: true })).toEqual([]);
    const browsed = await skus(search, undefined, { inStock: true });
    expect(browsed).toHaveLength(7);
    expect(browsed).not.toContain('VASE-GLASS');
  });

  it('keeps a product when one of its sellable prices is within the range, bounds included', async () => {
    const search = index();
    expect(await skus(search, undefined, { minPrice: 1200, maxPrice: 1900, sort: 'price-asc' })).toEqual([
      'MUG-CLASSIC-01',
      'CAP-BASEBALL',
      'TSHIRT-CLASSIC',
    ]);
    // Only its red variant costs 2100.
    expect(await skus(search, undefined, { minPrice: 2000, maxPrice: 2200 })).toEqual(['TSHIRT-CLASSIC']);
  });

  it.each<[SearchSort, string[]]>([
    [
      'price-asc',
      [
        'CUP-COFFEE',
        'MUG-CLASSIC-01',
        'CAP-BASEBALL',
        'TSHIRT-CLASSIC',
        'SHADE-LINEN',
        'VASE-GLASS',
        'CREME-TORCH',
        'LAMP-DESK',
      ],
    ],
    [
      'price-desc',
      [
        'LAMP-DESK',
        'CREME-TORCH',
        'VASE-GLASS',
        'SHADE-LINEN',
        'TSHIRT-CLASSIC',
        'CAP-BASEBALL',
        'MUG-CLASSIC-01',
        'CUP-COFFEE',
      ],
    ],
    [
      'newest',
      [
        'VASE-GLASS',
        'SHADE-LINEN',
        'LAMP-DESK',
        'CAP-BASEBALL',
        'CUP-COFFEE',
        'MUG-CLASSIC-01',
        'CREME-TORCH',
        'TSHIRT-CLASSIC',
      ],
    ],
  ])('sorts by %s', async (sort, expected) => {
    expect(await skus(index(), undefined, { sort })).toEqual(expected);
  });

  it('sorts the matches of a query too, not only a browse', async () => {
    expect(await skus(index(), 'classic', { sort: 'price-desc' })).toEqual(['TSHIRT-CLASSIC', 'MUG-CLASSIC-01']);
  });

  it('counts the matches per category; without a category filter the counts add up to the total', async () => {
    const page = await index().search({ sort: 'newest', limit: 2 });
    expect(page.total).toBe(8);
    expect(page.hits).toHaveLength(2);
    expect(page.facets.category).toEqual([
      { value: 'Home', count: 3 },
      { value: 'Kitchen', count: 3 },
      { value: 'Apparel', count: 2 },
    ]);
    expect(page.facets.category.reduce((sum, facet) => sum + facet.count, 0)).toBe(page.total);
  });

  it('counts facets over the words and the other filters, but not over the category filter itself', async () => {
    const page = await index().search({ q: 'c', category: 'Kitchen', inStock: true, sort: 'relevance', limit: 10 });
    // "c…": classic (shirt, mug), crème, coffee cup, cap; "caramelises", "cotton" are in descriptions.
    expect(page.hits.map((hit) => hit.document.id).sort()).toEqual(['CREME-TORCH', 'CUP-COFFEE', 'MUG-CLASSIC-01']);
    expect(page.total).toBe(3);
    expect(page.facets.category).toEqual([
      { value: 'Kitchen', count: 3 },
      { value: 'Apparel', count: 2 },
    ]);
  });
});

describe('embedded search index: paging', () => {
  const sorts: SearchSort[] = ['relevance', 'price-asc', 'price-desc', 'newest'];

  it.each(sorts)('pages through every match sorted by %s once each, in the one-page order', async (sort) => {
    const search = buildEmbeddedSearchIndex(pagingDocuments(57), { version: 1 });
    const q = sort === 'relevance' ? 'widget' : undefined;
    const whole = (await search.search({ q, sort, limit: 100 })).hits.map((hit) => hit.document.id);
    expect(whole).toHaveLength(57);
    const paged = await allPages(search, { q, sort, limit: 5 });
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(57);
  });

  it('gives no next position on the last page, even a full one', async () => {
    const search = buildEmbeddedSearchIndex(pagingDocuments(10), { version: 1 });
    const first = await search.search({ sort: 'newest', limit: 5 });
    const second = await search.search({ sort: 'newest', limit: 5, after: first.next ?? undefined });
    expect(first.next).not.toBeNull();
    expect(second.hits).toHaveLength(5);
    expect(second.next).toBeNull();
  });

  it('neither repeats nor skips a product that stayed put when others change between pages', async () => {
    const search = buildEmbeddedSearchIndex(pagingDocuments(30), { version: 1 });
    const first = await search.search({ sort: 'price-asc', limit: 10 });
    const shown = first.hits.map((hit) => hit.document.id);
    // One product already shown and one not yet shown go away; a new cheap one arrives.
    await search.remove(shown[3] as string);
    await search.remove('PAGE-029');
    await search.upsert({ ...fixtureDocument(FIXTURE[3] as (typeof FIXTURE)[number]), id: 'PAGE-NEW', price: 1 });
    const rest = await allPages(search, { sort: 'price-asc', limit: 10 });
    const after = await allPages(search, { sort: 'price-asc', limit: 10 });
    expect(rest).toEqual(after);
    const next = await search.search({ sort: 'price-asc', limit: 100, after: first.next ?? undefined });
    const ids = next.hits.map((hit) => hit.document.id);
    expect(ids.filter((id) => shown.includes(id))).toEqual([]);
    expect(ids).toHaveLength(30 - 10 - 1);
  });

  it('refuses a position that is not one it gave out', async () => {
    const search = index();
    expect(await codeOf(search.search({ sort: 'price-asc', limit: 5, after: { k: ['x'], id: 'A' } }))).toBe(
      '400 INVALID_CURSOR',
    );
    // A relevance position carries two keys.
    expect(await codeOf(search.search({ sort: 'relevance', q: 'lamp', limit: 5, after: { k: [1], id: 'A' } }))).toBe(
      '400 INVALID_CURSOR',
    );
  });
});

describe('embedded search index: snapshots and changes', () => {
  const queries: IndexQuery[] = [
    { q: 'lamp', sort: 'relevance', limit: 10 },
    { q: 'tshrit', sort: 'relevance', limit: 10 },
    { q: 'c', sort: 'price-asc', limit: 3, inStock: true },
    { sort: 'newest', limit: 4, category: 'Home' },
    { q: 'blue', sort: 'relevance', limit: 10 },
  ];

  it('answers every query the same after a snapshot round trip, and records its version', async () => {
    const built = index();
    const bytes = await built.snapshot();
    const loaded = loadEmbeddedSearchIndex(bytes);
    expect(loaded.version).toBe(7);
    expect(loaded.size).toBe(built.size);
    for (const query of queries) expect(await loaded.search(query)).toEqual(await built.search(query));
    expect(JSON.parse(bytes.toString('utf8')).version).toBe(7);
    expect(loadEmbeddedSearchIndex(await built.snapshot(8)).version).toBe(8);
  });

  it('keeps upserts and removals across a snapshot', async () => {
    const built = index();
    await built.upsert({
      ...fixtureDocument(FIXTURE[2] as (typeof FIXTURE)[number]),
      name: 'Enamel mug',
      description: 'Enamel, 300 ml.',
    });
    await built.remove('LAMP-DESK');
    const loaded = loadEmbeddedSearchIndex(await built.snapshot(8));
    expect(await skus(loaded, 'enamel')).toEqual(['MUG-CLASSIC-01']);
    expect(await skus(loaded, 'stoneware')).toEqual([]);
    expect(await skus(loaded, 'lamp')).toEqual(['SHADE-LINEN']);
    await loaded.upsert(fixtureDocument(FIXTURE[5] as (typeof FIXTURE)[number]));
    expect(await skus(loaded, 'lamp')).toEqual(['LAMP-DESK', 'SHADE-LINEN']);
  });

  it('refuses what is not a snapshot of its format', () => {
    expect(() => loadEmbeddedSearchIndex('{"format":"other","version":1}')).toThrow(/format/);
    expect(() => loadEmbeddedSearchIndex('not json')).toThrow();
  });
});
