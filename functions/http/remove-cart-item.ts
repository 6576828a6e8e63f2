import { removeCartItemRoute } from '../../shared/api/cart-routes';
import { cartService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(removeCartItemRoute, async ({ principal, params }) =>
  ok(await cartService().removeItem(principal.sub, params.sku)),
);
