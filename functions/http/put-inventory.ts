import { putInventoryRoute } from '../../shared/api/inventory-routes';
import { inventoryService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(putInventoryRoute, async ({ params, body, principal }) =>
  ok(await inventoryService().setOnHand(params.sku, body.onHand, principal.sub)),
);
