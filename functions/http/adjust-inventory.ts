import { adjustInventoryRoute } from '../../shared/api/inventory-routes';
import { inventoryService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

export const handler = httpRoute(adjustInventoryRoute, async ({ params, body, principal }) => {
  const stock = await inventoryService().adjust(params.sku, body.delta, body.reason, principal.sub);
  metrics.addMetric('InventoryAdjustments', 'Count', 1);
  return ok(stock);
});
