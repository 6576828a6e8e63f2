import { listDiscountsRoute } from '../../shared/api/discount-routes';
import { discountService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listDiscountsRoute, async ({ query }) => ok(await discountService().list(query)));
