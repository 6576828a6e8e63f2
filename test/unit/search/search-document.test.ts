import { buildSearchDocument } from '../../../shared/domain/search/search-document';
import { indexTerms, queryWords, withinOneTypo } from '../../../shared/domain/search/search-text';
import { fixtureRecord, storedVariants } from './search-catalog';

const shirt = fixtureRecord({ sku: 'SHIRT', name: 'Shirt', category: 'Apparel', price: 2000, day: 1 });
const stock = { sku: 'SHIRT', onHand: 4, reserved: 1, available: 3 };

describe('search document', () => {
  it('of a simple product: its own price and stock', () => {
    expect(buildSearchDocument({ product: shirt, stock })).toMatchObject({
      id: 'SHIRT',
      skus: ['SHIRT'],
      optionValues: [],
      price: 2000,
      prices: [2000],
      available: 3,
      active: true,
    });
  });

  it("of a product with variants: the active variants' values, skus, prices (the product's by default) and stock", () => {
    const document = buildSearchDocument({
      product: shirt,
      stock: null,
      variants: storedVariants('SHIRT', [
        { sku: 'SHIRT-S', options: { Size: 'S', Colour: 'Blue' }, active: true, available: 2 },
        { sku: 'SHIRT-M', options: { Size: 'M', Colour: 'Blue' }, price: 1800, active: true, available: 5 },
        { sku: 'SHIRT-L', options: { Size: 'L', Colour: 'Red' }, price: 900, active: false, available: 9 },
      ]),
    });
    expect(document).toMatchObject({
      skus: ['SHIRT', 'SHIRT-S', 'SHIRT-M'],
      optionValues: ['S', 'Blue', 'M'],
      price: 1800,
      prices: [1800, 2000],
      available: 7,
      active: true,
    });
  });

  it('of a product whose variants are all inactive, or that is inactive itself: not findable', () => {
    const variants = storedVariants('SHIRT', [{ sku: 'SHIRT-S', options: { Size: 'S' }, active: false, available: 2 }]);
    expect(buildSearchDocument({ product: shirt, stock, variants }).active).toBe(false);
    expect(buildSearchDocument({ product: { ...shirt, active: false }, stock }).active).toBe(false);
  });
});

describe('search text', () => {
  it('folds case and accents and splits joined words into their parts and the whole', () => {
    expect(indexTerms('Crème BRÛLÉE — T-Shirt, Straße')).toEqual([
      'creme',
      'brulee',
      't',
      'shirt',
      'tshirt',
      'strasse',
    ]);
    expect(queryWords('T-Shirt t-shirt crème')).toEqual(['tshirt', 'creme']);
  });

  it.each([
    ['linen', 'linen', true],
    ['linen', 'linnen', true],
    ['linen', 'lien', true],
    ['linen', 'liren', true],
    ['tshrit', 'tshirt', true],
    ['linen', 'lonan', false],
    ['linen', 'nilen', false],
    ['linen', 'linenss', false],
  ])('%s and %s are within one typo: %s', (a, b, expected) => {
    expect(withinOneTypo(a, b)).toBe(expected);
    expect(withinOneTypo(b, a)).toBe(expected);
  });
});
