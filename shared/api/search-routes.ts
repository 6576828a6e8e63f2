import { MAX_MONEY } from '../domain/money';
import { SEARCH_SORTS } from '../domain/search/search-ports';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { Category, Product } from './catalog-routes';
import { Cursor, Limit, MAX_CURSOR_LENGTH, Text } from './common-schemas';

const MAX_QUERY = 200;
const Q_MESSAGE = `q must be 1–${MAX_QUERY} characters`;
const PRICE_MESSAGE = 'a price bound is an integer amount in minor units (cents), 0 or more';
const IN_STOCK_MESSAGE = 'inStock must be true or false';

const SearchText = /* @__PURE__ */ z
  .string()
  .check(
    /* @__PURE__ */ z.trim(),
    /* @__PURE__ */ z.minLength(1, Q_MESSAGE),
    /* @__PURE__ */ z.maxLength(MAX_QUERY, Q_MESSAGE),
  )
  .register(z.globalRegistry, {
    description:
      'Words to find (1–200 characters, trimmed): every word must match, the last also as a prefix; case and accents are ignored, words of 5 letters or more forgive one typo',
    example: 'blue mug',
  });

const PriceBound = (description: string) =>
  z.coerce
    .number({ error: PRICE_MESSAGE })
    .check(z.int(PRICE_MESSAGE), z.gte(0, PRICE_MESSAGE), z.lte(MAX_MONEY, PRICE_MESSAGE))
    .register(z.globalRegistry, { description });

const InStock = /* @__PURE__ */ z
  .pipe(
    /* @__PURE__ */ z.enum(['true', 'false'], { error: IN_STOCK_MESSAGE }),
    /* @__PURE__ */ z.transform((value: 'true' | 'false') => value === 'true'),
  )
  .register(z.globalRegistry, { description: '`true`: only products that can be ordered now (`available > 0`)' });

const Sort = /* @__PURE__ */ z.enum(SEARCH_SORTS).register(z.globalRegistry, {
  description:
    '`relevance` (the default with `q`; a name match ranks first), `price-asc`, `price-desc` or `newest` (the default without `q`)',
});

export const SearchQuery = /* @__PURE__ */ z
  .strictObject({
    q: /* @__PURE__ */ z.optional(SearchText),
    category: /* @__PURE__ */ z.optional(Category),
    minPrice: /* @__PURE__ */ z.optional(/* @__PURE__ */ PriceBound('Lowest price, minor units, inclusive')),
    maxPrice: /* @__PURE__ */ z.optional(/* @__PURE__ */ PriceBound('Highest price, minor units, inclusive')),
    inStock: /* @__PURE__ */ z.optional(InStock),
    sort: /* @__PURE__ */ z.optional(Sort),
    limit: Limit,
    cursor: /* @__PURE__ */ z.optional(Cursor),
  })
  .check(
    /* @__PURE__ */ z.refine(
      (query) => query.minPrice === undefined || query.maxPrice === undefined || query.minPrice <= query.maxPrice,
      { message: 'minPrice must not be above maxPrice', path: ['minPrice'] },
    ),
  );

const count = () => z.number().check(z.int(), z.gte(0));

export const SearchResults = /* @__PURE__ */ z
  .object({
    items: /* @__PURE__ */ z.array(Product),
    nextCursor: /* @__PURE__ */ z.nullable(/* @__PURE__ */ Text(MAX_CURSOR_LENGTH)),
    total: /* @__PURE__ */ count().register(z.globalRegistry, {
      description: 'How many products match the words and every filter',
    }),
    facets: /* @__PURE__ */ z.object({
      category: /* @__PURE__ */ z
        .array(/* @__PURE__ */ z.object({ value: /* @__PURE__ */ Text(64), count: /* @__PURE__ */ count() }))
        .register(z.globalRegistry, {
          description:
            'Per category, how many products match the words and the other filters (all but `category`), most first',
        }),
    }),
  })
  .register(z.globalRegistry, { id: 'SearchResults' });

export const searchProductsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'searchProducts',
  method: 'GET',
  path: '/v1/search',
  role: 'public',
  summary: 'Search active products',
  description:
    'Full-text search over the names, descriptions, categories, skus and variant option values of active ' +
    'products, with filters, sorting and category facets; without `q` it browses by the filters. The page ' +
    'holds the products as `GET /v1/products/{sku}` shows them; a change to the catalog shows within 10 ' +
    'seconds. A cursor belongs to its search (words, filters, sort): another search’s is `INVALID_CURSOR`.',
  tags: ['Catalog'],
  query: SearchQuery,
  responses: { 200: { description: 'A page of matching products with the total and facets', schema: SearchResults } },
  errors: [{ status: 400, code: 'INVALID_CURSOR' }],
  cacheable: true,
});
