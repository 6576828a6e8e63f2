import { listDiscountsRoute } from '../../shared/api/discount-routes';
import { discountService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listDiscountsRoute, async ({ query }) => ok(await discountService().list(query)));
