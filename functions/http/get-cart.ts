import { getCartRoute } from '../../shared/api/cart-routes';
import { cartService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getCartRoute, async ({ principal }) => ok(await cartService().get(principal.sub)));
