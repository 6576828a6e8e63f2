import { updateProfileRoute } from '../../shared/api/customer-routes';
import { profileService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(updateProfileRoute, async ({ principal, body }) =>
  ok(await profileService().update(principal, body)),
);
