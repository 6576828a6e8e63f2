import { getDiscountRoute } from '../../shared/api/discount-routes';
import { discountService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(getDiscountRoute, async ({ params }) => ok(await discountService().get(params.code)));
