import { deleteProfileRoute } from '../../shared/api/customer-routes';
import { erasureRequester } from '../../shared/container/customers';
import { httpRoute } from '../../shared/container/http';
import { accepted } from '../../shared/http/responses';

export const handler = httpRoute(deleteProfileRoute, async ({ principal }) =>
  accepted(await erasureRequester().request(principal.sub)),
);
