import { rateOfClass, rateTableCalculator, type TaxRates } from '../../shared/domain/tax/tax-rates';

const de: TaxRates = { country: 'DE', standardBps: 1900, reducedBps: 700, updatedAt: '2026-12-01T00:00:00.000Z' };
const table = rateTableCalculator(async (country) => (country === 'DE' ? de : null));

describe('the rate-table tax calculator', () => {
  it('taxes each line at its class’s rate and the shipping at the standard rate, inside the prices', async () => {
    const result = await table.calculate({
      destination: { country: 'DE' },
      lines: [
        { amount: 5056, taxClass: 'standard' },
        { amount: 1744, taxClass: 'reduced' },
        { amount: 999, taxClass: 'zero' },
      ],
      shipping: 490,
      pricesIncludeTax: true,
    });
    expect(result).toEqual({
      lines: [
        { taxRateBps: 1900, taxAmount: 807 },
        { taxRateBps: 700, taxAmount: 114 },
        { taxRateBps: 0, taxAmount: 0 },
      ],
      shipping: { taxRateBps: 1900, taxAmount: 78 },
    });
  });

  it('adds the tax when prices exclude it, and taxes nothing for a country without rates', async () => {
    const added = await table.calculate({
      destination: { country: 'DE' },
      lines: [{ amount: 1000, taxClass: 'standard' }],
      shipping: 0,
      pricesIncludeTax: false,
    });
    expect(added.lines).toEqual([{ taxRateBps: 1900, taxAmount: 190 }]);
    const elsewhere = await table.calculate({
      destination: { country: 'US' },
      lines: [{ amount: 1000, taxClass: 'standard' }],
      shipping: 500,
      pricesIncludeTax: false,
    });
    expect(elsewhere).toEqual({ lines: [{ taxRateBps: 0, taxAmount: 0 }], shipping: { taxRateBps: 0, taxAmount: 0 } });
  });

  it('names the rate of each class', () => {
    expect([rateOfClass(de, 'standard'), rateOfClass(de, 'reduced'), rateOfClass(de, 'zero')]).toEqual([1900, 700, 0]);
    expect(rateOfClass(null, 'standard')).toBe(0);
  });
});
