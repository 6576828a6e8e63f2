import { createDynamoTaxRateRepository } from '../adapters/dynamo/dynamo-tax-rate-repository';
import { createTaxRateService } from '../domain/tax/tax-rate-service';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { table } from './clients';

/** The shop's tax rates per country (`/v1/tax-rates`). */
export const taxRateService = /* @__PURE__ */ once(() =>
  createTaxRateService({ rates: createDynamoTaxRateRepository(table().db, table().name), clock: systemClock }),
);
