import { setCartItemRoute } from '../../shared/api/cart-routes';
import { httpRoute } from '../../shared/container/http';
import { cartService } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(setCartItemRoute, async ({ principal, params, body }) =>
  ok(await cartService().setItem(principal.sub, params.sku, body.quantity)),
);
