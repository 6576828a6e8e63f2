import { getProfileRoute } from '../../shared/api/customer-routes';
import { profileService } from '../../shared/container/customers';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getProfileRoute, async ({ principal }) => ok(await profileService().get(principal)));
