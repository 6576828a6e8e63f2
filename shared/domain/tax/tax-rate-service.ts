import type { Clock } from '../../lib/clock';
import type { TaxRateRepository, TaxRates } from './tax-rates';

export interface TaxRateServiceDeps {
  rates: TaxRateRepository;
  clock: Clock;
}

export type TaxRateService = ReturnType<typeof createTaxRateService>;

/** The shop's tax rates per destination country (`/v1/tax-rates`, admin). */
export function createTaxRateService({ rates, clock }: TaxRateServiceDeps) {
  return {
    /** Sets a country's standard and reduced rates; setting them again replaces them. */
    async set(country: string, input: { standardBps: number; reducedBps: number }): Promise<TaxRates> {
      const stored: TaxRates = { country, ...input, updatedAt: clock.now().toISOString() };
      await rates.put(stored);
      return stored;
    },

    /** Every country that has rates, by country. */
    async list(): Promise<{ items: TaxRates[] }> {
      return { items: await rates.list() };
    },
  };
}
