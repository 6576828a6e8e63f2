import { listShippingOptionsRoute } from '../../shared/api/shipping-routes';
import { httpRoute } from '../../shared/container/http';
import { cartService } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listShippingOptionsRoute, async ({ principal, query }) =>
  ok(await cartService().shippingOptions(principal.sub, query.country)),
);
