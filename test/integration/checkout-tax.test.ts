import { randomBytes, randomUUID } from 'node:crypto';
import { handler as getCart } from '../../functions/http/get-cart';
import { handler as setCartItem } from '../../functions/http/set-cart-item';
import { handler as setTaxRates } from '../../functions/http/set-tax-rates';
import { address, orderServiceWith, placeOrder, stockedProduct } from '../support/checkout';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, testDocumentClient } from '../support/integration';

/**
 * Tax at checkout and in the cart quote (contract §5.4), against DynamoDB Local. The countries are
 * this file's own (no other test orders to them), and their rates are set before any order to
 * them: a function instance keeps a country's rates for TAX_RATES_CACHE_SECONDS.
 */
const db = testDocumentClient();
afterAll(() => db.destroy());

const admin = adminToken(`admin-checkout-tax-${randomBytes(3).toString('hex')}`);
const LUXEMBOURG = { ...address, city: 'Luxembourg', postalCode: 'L-1111', country: 'LU' };
const MALTA = { ...address, city: 'Valletta', postalCode: 'VLT 1010', country: 'MT' };

const product = (price: number, taxClass: 'standard' | 'reduced' | 'zero', onHand = 20) =>
  stockedProduct(onHand, price, admin, { taxClass });

beforeAll(async () => {
  for (const [country, standardBps, reducedBps] of [
    ['LU', 1700, 800],
    ['MT', 1800, 500],
  ] as const) {
    const set = await invoke(setTaxRates, {
      method: 'PUT',
      path: `/v1/tax-rates/${country}`,
      route: '/v1/tax-rates/{country}',
      pathParameters: { country },
      body: { standardBps, reducedBps },
      token: admin,
    });
    expect(set.status).toBe(200);
  }
});

describe('tax at checkout (prices include tax, the default)', () => {
  it('taxes each line at its class’s rate for the destination, inside the total it charges', async () => {
    const [standard, reduced, zero] = [
      await product(1170, 'standard'),
      await product(1080, 'reduced'),
      await product(500, 'zero'),
    ];
    const placed = await placeOrder(`tax-${randomUUID()}`, {
      items: [
        { sku: standard, quantity: 2 },
        { sku: reduced, quantity: 1 },
        { sku: zero, quantity: 1 },
      ],
      shippingAddress: LUXEMBOURG,
    });
    expect(placed.status).toBe(201);
    expect(
      placed.json.items.map((line: { taxRateBps: number; taxAmount: number }) => [line.taxRateBps, line.taxAmount]),
    ).toEqual([
      [1700, 340], // 2340 × 17/117
      [800, 80], // 1080 × 8/108
      [0, 0],
    ]);
    expect(placed.json).toMatchObject({ subtotal: 3920, discount: 0, shipping: 0, tax: 420, total: 3920 });
  });

  it('quotes in the cart what checkout then charges, and refuses a stale quote with PRICE_CHANGED', async () => {
    const sku = await product(1180, 'standard');
    const sub = `tax-quote-${randomUUID()}`;
    const token = customerToken(sub);
    const set = await invoke(setCartItem, {
      method: 'PUT',
      path: `/v1/cart/items/${sku}`,
      route: '/v1/cart/items/{sku}',
      pathParameters: { sku },
      body: { quantity: 3 },
      token,
    });
    expect(set.json).toMatchObject({ country: null, tax: null, total: 3540 });
    const quote = await invoke(getCart, { method: 'GET', path: '/v1/cart', query: { country: 'mt' }, token });
    expect(quote.status).toBe(200);
    expect(quote.json).toMatchObject({ country: 'MT', subtotal: 3540, tax: 540, total: 3540 }); // 3540 × 18/118
    expect(quote.json.items).toEqual([expect.objectContaining({ sku, taxRateBps: 1800, taxAmount: 540 })]);
    const stale = await placeOrder(sub, { shippingAddress: MALTA, expectedTotal: quote.json.total + 1 });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: 'PRICE_CHANGED', errors: [{ tax: 540, total: 3540, shipping: 0 }] });
    const ordered = await placeOrder(sub, { shippingAddress: MALTA, expectedTotal: quote.json.total });
    expect(ordered.status).toBe(201);
    expect(ordered.json).toMatchObject({ tax: quote.json.tax, total: quote.json.total });
  });

  it('refuses a quote for a country that is no ISO code', async () => {
    const res = await invoke(getCart, {
      method: 'GET',
      path: '/v1/cart',
      query: { country: 'XX' },
      token: customerToken(),
    });
    expect(res.status).toBe(400);
  });
});

describe('tax at checkout when prices exclude it (US style)', () => {
  it('adds the tax to the total it charges', async () => {
    const sku = await product(1000, 'standard');
    const checkout = orderServiceWith(db, { pricesIncludeTax: false, ratesCacheSeconds: 0 });
    const order = await checkout.place(
      { sub: `tax-exclusive-${randomUUID()}`, email: null },
      { items: [{ sku, quantity: 3 }], shippingAddress: LUXEMBOURG, paymentToken: 'tok_visa' },
      null,
    );
    expect(order.items).toEqual([expect.objectContaining({ taxRateBps: 1700, taxAmount: 510 })]);
    expect(order).toMatchObject({ subtotal: 3000, tax: 510, total: 3510 });
  });
});
