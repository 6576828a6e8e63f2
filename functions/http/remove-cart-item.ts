import { removeCartItemRoute } from '../../shared/api/cart-routes';
import { httpRoute } from '../../shared/container/http';
import { cartService } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(removeCartItemRoute, async ({ principal, params }) =>
  ok(await cartService().removeItem(principal.sub, params.sku)),
);
