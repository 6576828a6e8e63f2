import { getInventoryRoute } from '../../shared/api/inventory-routes';
import { inventoryService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getInventoryRoute, async ({ params }) => ok(await inventoryService().get(params.sku)));
