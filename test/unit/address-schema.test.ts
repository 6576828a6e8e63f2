import { Address } from '../../shared/api/address-schema';

const valid = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Sq',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

describe('the Address schema (default and shipping addresses)', () => {
  it('accepts an address without line2 and gives it line2 null', () => {
    expect(Address.parse(valid)).toEqual({ ...valid, line2: null });
  });

  it('upper-cases the country code', () => {
    expect(Address.parse({ ...valid, country: 'de' }).country).toBe('DE');
  });

  it.each(['XX', 'EU', 'UK', 'GBR', ''])('refuses %p, which is not an assigned ISO 3166-1 alpha-2 code', (country) => {
    const result = Address.safeParse({ ...valid, country });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('/'))).toEqual(['country']);
  });

  it.each(['name', 'line1', 'city', 'postalCode', 'country'])('requires %s', (field) => {
    const { [field as keyof typeof valid]: _, ...rest } = valid;
    expect(Address.safeParse(rest).success).toBe(false);
  });

  it('refuses blank lines and unknown fields', () => {
    expect(Address.safeParse({ ...valid, line1: '   ' }).success).toBe(false);
    expect(Address.safeParse({ ...valid, phone: '+44 20 7946 0000' }).success).toBe(false);
  });
});
