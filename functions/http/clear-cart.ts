import { clearCartRoute } from '../../shared/api/cart-routes';
import { httpRoute } from '../../shared/container/http';
import { cartService } from '../../shared/container/orders';
import { noContent } from '../../shared/http/responses';

export const handler = httpRoute(clearCartRoute, async ({ principal }) => {
  await cartService().clear(principal.sub);
  return noContent();
});
