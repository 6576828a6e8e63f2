/** What a search function loads at cold start with MiniSearch: the adapter and the engine (bench only). */
export { miniSearch, miniSearchRebuild } from '../benchmarks/search-engine/minisearch-engines';
