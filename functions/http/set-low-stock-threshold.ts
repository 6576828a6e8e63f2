import { setLowStockThresholdRoute } from '../../shared/api/inventory-routes';
import { inventoryService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(setLowStockThresholdRoute, async ({ params, body }) =>
  ok(await inventoryService().setLowStockThreshold(params.sku, body.threshold)),
);
