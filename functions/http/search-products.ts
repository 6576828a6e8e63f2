import { searchProductsRoute } from '../../shared/api/search-routes';
import { publicHttpRoute } from '../../shared/container/http';
import { productSearch } from '../../shared/container/search';
import type { ProductSearch } from '../../shared/domain/search/product-search';
import { publicCache } from '../../shared/http/caching';
import { ok } from '../../shared/http/responses';

/** Answers no older than the contract's freshness (a change shows in search within 10 s) allows. */
const SEARCH_MAX_AGE_SECONDS = 5;

/** The route over a product search (the tests hand in one over an index of their own). */
export const searchProductsHandler = (search: () => ProductSearch) =>
  publicHttpRoute(searchProductsRoute, async ({ query }) =>
    ok(await search().search(query), { 'Cache-Control': publicCache(SEARCH_MAX_AGE_SECONDS) }),
  );

export const handler = searchProductsHandler(productSearch);

/**
 * Inside Lambda (which names how the instance was initialised), the snapshot starts loading in the
 * init phase: a pre-initialised or provisioned instance answers its first search warm, and an
 * on-demand one has a head start. Nowhere else (tests, tools importing the handler).
 */
export function prepareInLambda(env: NodeJS.ProcessEnv = process.env, search = productSearch): boolean {
  if (env.AWS_LAMBDA_INITIALIZATION_TYPE === undefined) return false;
  try {
    void search().prepare();
  } catch {
    // The configuration is checked again, and reported, by the first request.
  }
  return true;
}

prepareInLambda();
