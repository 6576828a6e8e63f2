import { createDiscountRoute } from '../../shared/api/discount-routes';
import { discountService } from '../../shared/container/catalog';
import { httpRoute } from '../../shared/container/http';
import { created } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

export const handler = httpRoute(createDiscountRoute, async ({ body }) => {
  const discount = await discountService().create(body);
  metrics.addMetric('DiscountsCreated', 'Count', 1);
  return created(discount, `/v1/discounts/${encodeURIComponent(discount.code)}`);
});
