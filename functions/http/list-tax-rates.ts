import { listTaxRatesRoute } from '../../shared/api/tax-routes';
import { httpRoute } from '../../shared/container/http';
import { taxRateService } from '../../shared/container/tax';
import { ok } from '../../shared/http/responses';

export const handler = httpRoute(listTaxRatesRoute, async () => ok(await taxRateService().list()));
