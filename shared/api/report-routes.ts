import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import { Currency, OptionValuesOut, Sku, Timestamp } from './common-schemas';

/** A UTC day. Whether it is in the future is checked by the service (it knows the clock). */
export const ReportDate = /* @__PURE__ */ z.iso
  .date({ error: 'must be a date YYYY-MM-DD' })
  .register(z.globalRegistry, { description: 'A UTC day, YYYY-MM-DD, not in the future', example: '2026-11-19' });

/** Each field its own schema instance: registering a description on a shared one would change it everywhere. */
const count = (description?: string) => {
  const schema = z.number().check(z.int(), z.gte(0));
  return description ? schema.register(z.globalRegistry, { description }) : schema;
};
const amount = (description: string) =>
  z
    .number()
    .check(z.int(), z.gte(0))
    .register(z.globalRegistry, { description: `${description}, in minor units` });

export const DailyReport = /* @__PURE__ */ z
  .object({
    date: ReportDate,
    orders: count('Orders paid that day'),
    itemsSold: count('Units in those orders'),
    revenue: amount('Sum of those orders’ totals, after discounts'),
    shipping: amount('Of the revenue: the shipping charged'),
    tax: amount('Of the revenue: the tax collected'),
    currency: Currency,
    topProducts: z
      .array(
        z.object({
          sku: Sku,
          productSku: Sku,
          options: OptionValuesOut,
          quantity: count(),
          revenue: amount('Sum of the product’s line totals, before discounts'),
        }),
      )
      .register(z.globalRegistry, {
        description: 'The 10 best sellers of the day: quantity descending, then revenue descending, then sku',
      }),
    refunds: z
      .object({ count: count(), amount: amount('Sum refunded') })
      .register(z.globalRegistry, { description: 'Refunds issued that day, whenever their orders were paid' }),
    generatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'DailyReport', description: 'Sales of one UTC day, by the day orders were paid' });

export const getDailyReportRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getDailyReport',
  method: 'GET',
  path: '/v1/reports/daily/{date}',
  role: 'admin',
  summary: 'The sales report of one UTC day',
  description:
    'The report the daily-report job generated for the day (at 00:10 UTC for the previous day, or on demand ' +
    'with `POST /v1/admin/jobs/daily-report` and a body `{ "date": "YYYY-MM-DD" }`).',
  tags: ['Reports'],
  params: /* @__PURE__ */ z.strictObject({ date: ReportDate }),
  responses: { 200: { description: 'The report', schema: DailyReport } },
  errors: [{ status: 404, code: 'REPORT_NOT_FOUND' }],
});
