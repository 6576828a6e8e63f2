import { putInventoryRoute } from '../../shared/api/inventory-routes';
import { inventoryService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(putInventoryRoute, async ({ params, body, principal }) =>
  ok(await inventoryService().setOnHand(params.sku, body.onHand, principal.sub)),
);
