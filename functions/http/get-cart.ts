import { getCartRoute } from '../../shared/api/cart-routes';
import { httpRoute } from '../../shared/container/http';
import { cartService } from '../../shared/container/orders';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getCartRoute, async ({ principal, query: { country, ...quote } }) =>
  ok(await cartService().get(principal.sub, country === undefined ? null : { country, ...quote })),
);
