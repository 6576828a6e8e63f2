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

  it.each([
    ['a line feed', 'Ada\nLovelace'],
    ['a carriage return', 'Ada\rBcc: x'],
    ['a tab', 'Ada\tLovelace'],
    ['a NUL', 'Ada\u0000'],
    ['an escape', 'Ada\u001b[31m'],
    ['a DEL', 'Ada\u007f'],
    ['a C1 control', 'Ada\u0085Lovelace'],
    ['a right-to-left override', 'Ada \u202Egnp.exe'],
    ['a left-to-right embedding', '\u202AAda'],
    ['a pop directional formatting', 'Ada\u202C'],
    ['a right-to-left isolate', 'Ada \u2067evil\u2069'],
    ['a first strong isolate', '\u2068Ada'],
    ['a right-to-left mark', 'Ada\u200F'],
    ['an Arabic letter mark', 'Ada\u061C'],
    ['a line separator', 'Ada\u2028Lovelace'],
  ])('refuses %s inside a name or an address line', (_, text) => {
    for (const field of ['name', 'line1', 'line2', 'city'] as const) {
      const result = Address.safeParse({ ...valid, [field]: text });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path.join('/'))).toEqual([field]);
    }
  });

  it('accepts names in any script, with accents, apostrophes and joiners', () => {
    for (const name of ['Zoë O’Brien-Łukasiewicz', 'محمد علی', 'שרה כהן', '山田 太郎', 'मनोज कुमार', 'می‌خواهم']) {
      expect(Address.parse({ ...valid, name }).name).toBe(name);
    }
  });
});
