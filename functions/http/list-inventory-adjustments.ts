import { listInventoryAdjustmentsRoute } from '../../shared/api/inventory-routes';
import { inventoryService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listInventoryAdjustmentsRoute, async ({ params, query }) =>
  ok(await inventoryService().listAdjustments(params.sku, query.limit, query.cursor)),
);
