import { MAX_LINES } from '../../shared/domain/cart/cart';
import { createCartService } from '../../shared/domain/cart/cart-service';
import type { ProductRecord } from '../../shared/domain/catalog/product';
import { rateTableCalculator } from '../../shared/domain/tax/tax-rates';
import { codeOf } from '../support/app-error';
import { inMemoryCarts } from '../support/in-memory-customer-repositories';
import { inMemoryStore } from '../support/in-memory-repositories';

const clock = { now: () => new Date('2026-11-20T10:00:00.000Z') };

const product = (sku: string, price: number, extra: Partial<ProductRecord> = {}): ProductRecord => ({
  sku,
  name: `Product ${sku}`,
  description: null,
  price,
  currency: 'EUR',
  category: 'Kitchen',
  imageUrl: null,
  active: true,
  options: [],
  variantSkus: [],
  weight: null,
  taxClass: 'standard',
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  version: 1,
  ...extra,
});

function setup(products: ProductRecord[] = [product('MUG', 1200), product('PLATE', 850)]) {
  const catalogStore = inMemoryStore();
  for (const p of products) catalogStore.products.set(p.sku, p);
  const carts = inMemoryCarts();
  const service = createCartService({
    carts: carts.carts,
    catalog: catalogStore.catalog,
    clock,
    currency: 'EUR',
    // No discount code exists here; the quote with a code is tested against DynamoDB Local.
    discounts: { get: async () => null },
    tax: rateTableCalculator(async (country) =>
      country === 'DE' ? { country, standardBps: 1900, reducedBps: 700, updatedAt: '2026-11-01T00:00:00.000Z' } : null,
    ),
    pricesIncludeTax: true,
  });
  return { service, carts, products: catalogStore.products };
}

describe('cart service', () => {
  it('shows an empty cart in the store currency when the customer has none', async () => {
    const { service } = setup();
    expect(await service.get('c-1')).toEqual({
      items: [],
      country: null,
      subtotal: 0,
      discount: 0,
      discountCode: null,
      shipping: 0,
      shippingMethod: null,
      tax: null,
      total: 0,
      currency: 'EUR',
    });
  });

  it('prices every line from the catalog and sums the subtotal', async () => {
    const { service } = setup();
    await service.setItem('c-1', 'MUG', 2);
    const cart = await service.setItem('c-1', 'PLATE', 3);
    expect(cart).toEqual({
      items: [
        {
          sku: 'MUG',
          productSku: 'MUG',
          name: 'Product MUG',
          options: {},
          quantity: 2,
          unitPrice: 1200,
          lineTotal: 2400,
          taxRateBps: null,
          taxAmount: null,
        },
        {
          sku: 'PLATE',
          productSku: 'PLATE',
          name: 'Product PLATE',
          options: {},
          quantity: 3,
          unitPrice: 850,
          lineTotal: 2550,
          taxRateBps: null,
          taxAmount: null,
        },
      ],
      country: null,
      subtotal: 4950,
      discount: 0,
      discountCode: null,
      shipping: 0,
      shippingMethod: null,
      tax: null,
      total: 4950,
      currency: 'EUR',
    });
  });

  it('quotes the tax of a country: each line at its class’s rate, inside the prices', async () => {
    const { service } = setup([product('MUG', 1190), product('BOOK', 1070, { taxClass: 'reduced' })]);
    await service.setItem('c-1', 'MUG', 1);
    await service.setItem('c-1', 'BOOK', 2);
    const quote = await service.get('c-1', { country: 'DE' });
    expect(quote.items.map((line) => [line.sku, line.taxRateBps, line.taxAmount])).toEqual([
      ['BOOK', 700, 140], // 2140 × 7/107
      ['MUG', 1900, 190], // 1190 × 19/119
    ]);
    expect(quote).toMatchObject({ country: 'DE', subtotal: 3330, tax: 330, total: 3330 });
    // A country without rates: taxed 0, not unknown.
    expect(await service.get('c-1', { country: 'US' })).toMatchObject({ country: 'US', tax: 0, total: 3330 });
  });

  it('sets the quantity rather than adding to it', async () => {
    const { service } = setup();
    await service.setItem('c-1', 'MUG', 5);
    const cart = await service.setItem('c-1', 'MUG', 2);
    expect(cart.items).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 2 })]);
  });

  it('does not write when the quantity is already the one asked for', async () => {
    const { service, carts } = setup();
    await service.setItem('c-1', 'MUG', 2);
    await service.setItem('c-1', 'MUG', 2);
    expect(carts.writes).toHaveLength(1);
  });

  it('uses today’s price, not the price when the line was added', async () => {
    const { service, products } = setup();
    await service.setItem('c-1', 'MUG', 2);
    products.set('MUG', product('MUG', 1500));
    expect((await service.get('c-1')).subtotal).toBe(3000);
  });

  it.each([
    ['an unknown sku', 'NOPE'],
    ['an inactive product', 'OLD'],
  ])('refuses %s with 404 PRODUCT_NOT_FOUND and stores nothing', async (_, sku) => {
    const { service, carts } = setup([product('OLD', 100, { active: false })]);
    expect(await codeOf(service.setItem('c-1', sku, 1))).toBe('404 PRODUCT_NOT_FOUND');
    expect(carts.stored.size).toBe(0);
  });

  it('leaves out lines whose product was deactivated or deleted, but keeps them stored', async () => {
    const { service, products, carts } = setup();
    await service.setItem('c-1', 'MUG', 1);
    await service.setItem('c-1', 'PLATE', 1);
    products.set('MUG', product('MUG', 1200, { active: false }));
    products.delete('PLATE');
    expect(await service.get('c-1')).toEqual({
      items: [],
      country: null,
      subtotal: 0,
      discount: 0,
      discountCode: null,
      shipping: 0,
      shippingMethod: null,
      tax: null,
      total: 0,
      currency: 'EUR',
    });
    expect(carts.stored.get('c-1')?.items).toHaveLength(2);
  });

  it(`refuses a new line beyond ${MAX_LINES} with 409 CART_FULL, but still changes existing lines`, async () => {
    const skus = Array.from({ length: MAX_LINES + 1 }, (_, i) => `SKU-${String(i).padStart(3, '0')}`);
    const { service, carts } = setup(skus.map((sku) => product(sku, 100)));
    for (const sku of skus.slice(0, MAX_LINES)) await service.setItem('c-1', sku, 1);
    expect(await codeOf(service.setItem('c-1', skus[MAX_LINES] as string, 1))).toBe('409 CART_FULL');
    expect(carts.stored.get('c-1')?.items).toHaveLength(MAX_LINES);
    const changed = await service.setItem('c-1', skus[0] as string, 7);
    expect(changed.items[0]).toMatchObject({ quantity: 7 });
  });

  it('removes a line, and removing a line that is not there is not an error', async () => {
    const { service } = setup();
    await service.setItem('c-1', 'MUG', 1);
    await service.setItem('c-1', 'PLATE', 1);
    expect((await service.removeItem('c-1', 'MUG')).items.map((line) => line.sku)).toEqual(['PLATE']);
    expect((await service.removeItem('c-1', 'MUG')).items.map((line) => line.sku)).toEqual(['PLATE']);
    expect((await service.removeItem('c-2', 'MUG')).items).toEqual([]);
  });

  it('retries a write that lost a race, on top of the cart as it now is', async () => {
    const { service, carts } = setup();
    carts.loseNextWrites(3);
    const cart = await service.setItem('c-1', 'MUG', 4);
    expect(cart.items).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 4 })]);
    expect(carts.stored.get('c-1')?.version).toBe(1);
  });

  it('gives up with 503 CONTENTION when it keeps losing, instead of retrying forever', async () => {
    const { service, carts } = setup();
    carts.loseNextWrites(Number.POSITIVE_INFINITY);
    expect(await codeOf(service.setItem('c-1', 'MUG', 1))).toBe('503 CONTENTION');
  });

  it('keeps customers’ carts apart', async () => {
    const { service } = setup();
    await service.setItem('c-1', 'MUG', 1);
    await service.setItem('c-2', 'PLATE', 2);
    expect((await service.get('c-1')).items.map((line) => line.sku)).toEqual(['MUG']);
    expect((await service.get('c-2')).items.map((line) => line.sku)).toEqual(['PLATE']);
  });

  it('empties the cart', async () => {
    const { service } = setup();
    await service.setItem('c-1', 'MUG', 1);
    await service.clear('c-1');
    expect((await service.get('c-1')).items).toEqual([]);
  });
});
