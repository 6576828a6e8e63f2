import { MAX_RATE_BPS } from '../domain/money';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { CountryCode } from './address-schema';
import { Text, Timestamp } from './common-schemas';

const Bps = /* @__PURE__ */ z
  .number()
  .check(z.int('a rate is whole basis points'), z.gte(0), z.lte(MAX_RATE_BPS))
  .register(z.globalRegistry, { description: 'Basis points: 1900 = 19 %', example: 1900 });

export const TaxRates = /* @__PURE__ */ z
  .object({
    country: Text(2),
    standardBps: Bps,
    reducedBps: Bps,
    updatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'TaxRates', description: 'The tax rates of one destination country' });

export const SetTaxRatesBody = /* @__PURE__ */ z
  .strictObject({ standardBps: Bps, reducedBps: Bps })
  .register(z.globalRegistry, { id: 'SetTaxRates', example: { standardBps: 1900, reducedBps: 700 } });

export const setTaxRatesRoute = /* @__PURE__ */ defineRoute({
  operationId: 'setTaxRates',
  method: 'PUT',
  path: '/v1/tax-rates/{country}',
  role: 'admin',
  summary: 'Set the tax rates of a destination country',
  description:
    'Products of tax class `standard` are taxed at `standardBps`, `reduced` at `reducedBps`, `zero` at 0; ' +
    'shipping at `standardBps`. A country without rates is taxed 0. Setting them again replaces them.',
  tags: ['Tax'],
  params: /* @__PURE__ */ z.strictObject({ country: CountryCode }),
  body: SetTaxRatesBody,
  responses: { 200: { description: 'The country’s rates', schema: TaxRates } },
});

export const listTaxRatesRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listTaxRates',
  method: 'GET',
  path: '/v1/tax-rates',
  role: 'admin',
  summary: 'List the tax rates of every country that has some',
  tags: ['Tax'],
  responses: {
    200: {
      description: 'Every country’s rates, by country',
      schema: /* @__PURE__ */ z.object({ items: z.array(TaxRates) }),
    },
  },
});
