import { deleteProfileRoute } from '../../shared/api/customer-routes';
import { erasureRequester } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { accepted } from '../../shared/http/responses';

export const handler = httpRoute(deleteProfileRoute, async ({ principal }) =>
  accepted(await erasureRequester().request(principal.sub)),
);
