/** The same for Orama: the comparison's Orama index and the engine (bench only). */
export { orama } from '../benchmarks/search-engine/orama-index';
