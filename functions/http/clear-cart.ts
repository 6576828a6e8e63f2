import { clearCartRoute } from '../../shared/api/cart-routes';
import { cartService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { noContent } from '../../shared/http/responses';

export const handler = httpRoute(clearCartRoute, async ({ principal }) => {
  await cartService().clear(principal.sub);
  return noContent();
});
