import { updateShippingMethodRoute } from '../../shared/api/shipping-routes';
import { httpRoute } from '../../shared/container/http';
import { shippingMethodService } from '../../shared/container/shipping';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(updateShippingMethodRoute, async ({ params, body }) =>
  ok(await shippingMethodService().update(params.code, body)),
);
