import { buildEmbeddedSearchIndex } from '../../../shared/adapters/search/embedded-search-index';
import { createSearchService } from '../../../shared/domain/search/search-service';
import { createCursorCodec } from '../../../shared/lib/cursor-codec';
import { codeOf } from '../../support/app-error';
import { fixtureDocuments, pagingDocuments } from './search-catalog';

const service = (documents = fixtureDocuments()) =>
  createSearchService({
    index: buildEmbeddedSearchIndex(documents, { version: 1 }),
    cursors: createCursorCodec('unit-test-search-cursor-secret'),
  });

describe('search service', () => {
  it('orders by relevance when there are words, and newest first when browsing', async () => {
    const search = service();
    const found = await search.search({ q: 'lamp', limit: 10 });
    expect(found.items.map((item) => item.id)).toEqual(['LAMP-DESK', 'SHADE-LINEN']);
    const browsed = await search.search({ limit: 2, sort: 'relevance' });
    expect(browsed.items.map((item) => item.id)).toEqual(['VASE-GLASS', 'SHADE-LINEN']);
    // A query of no words at all browses too.
    expect((await search.search({ q: ' !? ', limit: 2 })).items).toEqual(browsed.items);
  });

  it('pages with opaque cursors to the end, where nextCursor is null', async () => {
    const search = service(pagingDocuments(23));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search.search({ q: 'widget', sort: 'price-desc', limit: 10, cursor });
      expect(page.total).toBe(23);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(23);
  });

  it('refuses a tampered cursor, and one of another search, as INVALID_CURSOR', async () => {
    const search = service(pagingDocuments(23));
    const first = await search.search({ q: 'widget', limit: 5 });
    const cursor = first.nextCursor as string;
    expect(await codeOf(search.search({ q: 'widget', limit: 5, cursor: `${cursor.slice(0, -2)}xx` }))).toBe(
      '400 INVALID_CURSOR',
    );
    expect(await codeOf(search.search({ q: 'widget deluxe', limit: 5, cursor }))).toBe('400 INVALID_CURSOR');
    expect(await codeOf(search.search({ q: 'widget', category: 'Home', limit: 5, cursor }))).toBe('400 INVALID_CURSOR');
    expect(await codeOf(search.search({ q: 'widget', sort: 'newest', limit: 5, cursor }))).toBe('400 INVALID_CURSOR');
    // The same words written otherwise, and another page size, are the same search.
    expect(await codeOf(search.search({ q: 'WIDGET', limit: 7, cursor }))).toBe('no error');
  });

  it('returns the total and the category facets with the page', async () => {
    const result = await service().search({ q: 'classic', limit: 1 });
    expect(result.items).toHaveLength(1);
    expect(result.total).toBe(2);
    expect(result.facets.category).toEqual([
      { value: 'Apparel', count: 1 },
      { value: 'Kitchen', count: 1 },
    ]);
    expect(result.nextCursor).not.toBeNull();
  });
});
