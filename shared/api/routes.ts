import type { RouteSpec } from '../http/route-spec';
import { createProductRoute, getProductRoute, listProductsRoute, updateProductRoute } from './catalog-routes';
import {
  adjustInventoryRoute,
  getInventoryRoute,
  listInventoryAdjustmentsRoute,
  putInventoryRoute,
} from './inventory-routes';
import { docsRoute, healthRoute, openApiRoute } from './platform-routes';

/** Every route of the API: the OpenAPI document, the fallback's 405 answers and the route test use it. */
export const routes: RouteSpec[] = [
  healthRoute,
  openApiRoute,
  docsRoute,
  listProductsRoute,
  getProductRoute,
  createProductRoute,
  updateProductRoute,
  getInventoryRoute,
  putInventoryRoute,
  adjustInventoryRoute,
  listInventoryAdjustmentsRoute,
];
