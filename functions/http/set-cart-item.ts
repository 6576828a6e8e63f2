import { setCartItemRoute } from '../../shared/api/cart-routes';
import { cartService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(setCartItemRoute, async ({ principal, params, body }) =>
  ok(await cartService().setItem(principal.sub, params.sku, body.quantity)),
);
