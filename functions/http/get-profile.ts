import { getProfileRoute } from '../../shared/api/customer-routes';
import { profileService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getProfileRoute, async ({ principal }) => ok(await profileService().get(principal)));
