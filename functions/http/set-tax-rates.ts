import { setTaxRatesRoute } from '../../shared/api/tax-routes';
import { httpRoute } from '../../shared/container/http';
import { taxRateService } from '../../shared/container/tax';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(setTaxRatesRoute, async ({ params, body }) =>
  ok(await taxRateService().set(params.country, body)),
);
