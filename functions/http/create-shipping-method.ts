import { createShippingMethodRoute, shippingMethodLocation } from '../../shared/api/shipping-routes';
import { httpRoute } from '../../shared/container/http';
import { shippingMethodService } from '../../shared/container/shipping';
import { created } from '../../shared/http/responses';

export const handler = httpRoute(createShippingMethodRoute, async ({ body }) => {
  const method = await shippingMethodService().create(body);
  return created(method, shippingMethodLocation(method.code));
});
