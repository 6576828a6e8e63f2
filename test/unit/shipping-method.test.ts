import {
  chooseShipping,
  parcelWeight,
  type ShippingMethod,
  shippingAmount,
  shippingOptions,
} from '../../shared/domain/shipping/shipping-method';
import { orderAmounts } from '../../shared/domain/tax/order-amounts';
import { rateTableCalculator } from '../../shared/domain/tax/tax-rates';

const at = '2026-12-01T00:00:00.000Z';
const method = (overrides: Partial<ShippingMethod>): ShippingMethod => ({
  code: 'standard',
  name: 'Standard',
  countries: ['DE', 'AT'],
  rate: { type: 'flat', amount: 490 },
  freeOverSubtotal: null,
  minDeliveryDays: 2,
  maxDeliveryDays: 4,
  active: true,
  createdAt: at,
  updatedAt: at,
  ...overrides,
});
const parcel = { country: 'DE', weightGrams: 1500, goods: 3000 };

const standard = method({ freeOverSubtotal: 5000 });
const tiered = method({
  code: 'parcel',
  rate: {
    type: 'weight',
    tiers: [
      { upToGrams: 1000, amount: 390 },
      { upToGrams: 5000, amount: 690 },
    ],
  },
});
const express = method({ code: 'express', countries: ['DE'], rate: { type: 'flat', amount: 1290 } });

describe('a shipping method’s amount for a parcel', () => {
  it('is the flat amount, or the amount of the first weight tier the parcel fits in (inclusive)', () => {
    expect(shippingAmount(standard, parcel)).toBe(490);
    expect(shippingAmount(tiered, { ...parcel, weightGrams: 1000 })).toBe(390);
    expect(shippingAmount(tiered, { ...parcel, weightGrams: 1001 })).toBe(690);
    expect(shippingAmount(tiered, { ...parcel, weightGrams: 0 })).toBe(390);
  });

  it('does not serve a parcel heavier than the last tier, another country, or when inactive', () => {
    expect(shippingAmount(tiered, { ...parcel, weightGrams: 5001 })).toBeNull();
    expect(shippingAmount(standard, { ...parcel, country: 'FR' })).toBeNull();
    expect(shippingAmount({ ...standard, active: false }, parcel)).toBeNull();
  });

  it('is free when the goods reach the threshold exactly, not a cent below', () => {
    expect(shippingAmount(standard, { ...parcel, goods: 5000 })).toBe(0);
    expect(shippingAmount(standard, { ...parcel, goods: 4999 })).toBe(490);
    // A free-over threshold does not lift the weight limit.
    expect(shippingAmount({ ...tiered, freeOverSubtotal: 100 }, { ...parcel, weightGrams: 9000 })).toBeNull();
  });

  it('weighs a parcel as the sum of its lines, a line without a weight counting 0', () => {
    expect(
      parcelWeight([
        { weight: 250, quantity: 3 },
        { weight: null, quantity: 5 },
        { weight: 1000, quantity: 1 },
      ]),
    ).toBe(1750);
  });
});

describe('choosing how an order ships', () => {
  const all = [express, tiered, standard];

  it('lists the methods that serve the parcel, cheapest first', () => {
    expect(shippingOptions(all, parcel).map(({ method, amount }) => [method.code, amount])).toEqual([
      ['standard', 490],
      ['parcel', 690],
      ['express', 1290],
    ]);
    expect(shippingOptions(all, { ...parcel, country: 'AT', weightGrams: 800 }).map((o) => o.method.code)).toEqual([
      'parcel',
      'standard',
    ]);
  });

  it('orders methods of the same amount by code, so the default is stable', () => {
    const twin = method({ code: 'another', rate: { type: 'flat', amount: 490 } });
    expect(shippingOptions([standard, twin], parcel).map((o) => o.method.code)).toEqual(['another', 'standard']);
    expect(chooseShipping([standard, twin], parcel)).toMatchObject({ method: { code: 'another' } });
  });

  it('takes the cheapest without a code, the named one with it', () => {
    expect(chooseShipping(all, parcel)).toMatchObject({ method: { code: 'standard' }, amount: 490 });
    expect(chooseShipping(all, parcel, 'express')).toMatchObject({ method: { code: 'express' }, amount: 1290 });
  });

  it('is unavailable for a method that does not serve the parcel, an unknown code, or no method serving it', () => {
    expect(chooseShipping(all, { ...parcel, country: 'AT' }, 'express')).toBe('unavailable');
    expect(chooseShipping(all, parcel, 'pigeon')).toBe('unavailable');
    expect(chooseShipping(all, { ...parcel, country: 'US' })).toBe('unavailable');
    expect(chooseShipping([{ ...standard, active: false }, express], { ...parcel, country: 'AT' })).toBe('unavailable');
  });

  it('ships for 0 (no method) when the shop has no active method at all, unless a method is named', () => {
    expect(chooseShipping([], parcel)).toBeNull();
    expect(chooseShipping([{ ...standard, active: false }], parcel)).toBeNull();
    expect(chooseShipping([], parcel, 'standard')).toBe('unavailable');
  });
});

describe('shipping in an order’s amounts', () => {
  const de = { country: 'DE', standardBps: 1900, reducedBps: 700, updatedAt: at };
  const calculator = rateTableCalculator(async (country) => (country === 'DE' ? de : null));

  it('taxes the shipping at the standard rate, also on an order of reduced-rate goods (DE, inclusive)', async () => {
    // 2 books at 10.70 € (7 %) + shipping 4.90 € (19 %).
    const amounts = await orderAmounts(calculator, {
      country: 'DE',
      lines: [{ lineTotal: 2140, taxClass: 'reduced' }],
      discount: 0,
      shipping: 490,
      pricesIncludeTax: true,
    });
    // 2140 × 7/107 = 140; 490 × 19/119 = 78.24 → 78.
    expect(amounts).toMatchObject({ subtotal: 2140, shipping: 490, shippingTax: 78, tax: 218, total: 2630 });
  });

  it('adds the shipping’s tax to the total when prices exclude tax (US style)', async () => {
    const amounts = await orderAmounts(calculator, {
      country: 'DE',
      lines: [{ lineTotal: 1000, taxClass: 'standard' }],
      discount: 0,
      shipping: 500,
      pricesIncludeTax: false,
    });
    // 1000 × 19 % = 190; 500 × 19 % = 95.
    expect(amounts).toMatchObject({ shipping: 500, shippingTax: 95, tax: 285, total: 1785 });
  });
});
