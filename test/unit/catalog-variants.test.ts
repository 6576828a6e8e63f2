import { createCatalogService } from '../../shared/domain/catalog/catalog-service';
import { MAX_VARIANTS } from '../../shared/domain/catalog/product';
import { AppError } from '../../shared/errors';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { codeOf } from '../support/app-error';
import { inMemoryStore } from '../support/in-memory-repositories';

function setup() {
  const store = inMemoryStore();
  let tick = Date.parse('2026-11-20T10:00:00.000Z');
  const clock = {
    now: () => {
      tick += 1000;
      return new Date(tick);
    },
  };
  const catalog = createCatalogService({
    catalog: store.catalog,
    cursors: createCursorCodec('unit-test-cursor-secret'),
    clock,
    currency: 'EUR',
  });
  return { store, catalog };
}

const shirt = {
  sku: 'TEE',
  name: 'Tee',
  price: 1900,
  category: 'Apparel',
  options: [
    { name: 'Size', values: ['S', 'M'] },
    { name: 'Colour', values: ['Red', 'Blue'] },
  ],
  variants: [
    { sku: 'TEE-S-RED', options: { Size: 'S', Colour: 'Red' } },
    { sku: 'TEE-M-RED', options: { Size: 'M', Colour: 'Red' }, price: 2100, weight: 180 },
    { sku: 'TEE-M-BLUE', options: { Size: 'm', Colour: 'blue' }, active: false },
  ],
};

/** The field paths a validation refusal names. */
async function problemPaths(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return (error.errors ?? []).map((entry) => entry.path);
    throw error;
  }
  throw new Error('expected a validation refusal');
}

describe('a product with variants', () => {
  it('is created with its options and variants, prices and weights resolved, values as the options spell them', async () => {
    const { catalog, store } = setup();
    const { product } = await catalog.create({ ...shirt, weight: 150 });
    expect(product.options).toEqual(shirt.options);
    expect(product.variants).toEqual([
      expect.objectContaining({ sku: 'TEE-S-RED', options: { Size: 'S', Colour: 'Red' }, price: 1900, weight: 150 }),
      expect.objectContaining({ sku: 'TEE-M-RED', price: 2100, weight: 180, active: true }),
      expect.objectContaining({ sku: 'TEE-M-BLUE', options: { Size: 'M', Colour: 'Blue' }, active: false }),
    ]);
    expect(product).toMatchObject({ taxClass: 'standard', weight: 150, available: 0 });
    // Each variant has stock of its own; the product none.
    expect(store.stock.has('TEE')).toBe(false);
    expect(store.stock.get('TEE-M-RED')).toEqual({ sku: 'TEE-M-RED', onHand: 0, reserved: 0, available: 0 });
  });

  it('shows available as the sum of its active variants, and the public only its active variants', async () => {
    const { catalog, store } = setup();
    await catalog.create(shirt);
    store.stock.set('TEE-S-RED', { sku: 'TEE-S-RED', onHand: 3, reserved: 1, available: 2 });
    store.stock.set('TEE-M-RED', { sku: 'TEE-M-RED', onHand: 5, reserved: 0, available: 5 });
    store.stock.set('TEE-M-BLUE', { sku: 'TEE-M-BLUE', onHand: 9, reserved: 0, available: 9 });
    const seen = (await catalog.get('TEE', { admin: false })).product;
    expect(seen.available).toBe(7);
    expect(seen.variants.map((variant) => variant.sku)).toEqual(['TEE-S-RED', 'TEE-M-RED']);
    const admin = (await catalog.get('TEE', { admin: true })).product;
    expect(admin.available).toBe(7);
    expect(admin.variants.map((variant) => variant.sku)).toEqual(['TEE-S-RED', 'TEE-M-RED', 'TEE-M-BLUE']);
  });

  it("answers a variant's sku with its product, unless the public asks for an inactive variant", async () => {
    const { catalog } = setup();
    await catalog.create(shirt);
    expect((await catalog.get('TEE-M-RED', { admin: false })).product.sku).toBe('TEE');
    expect(await codeOf(catalog.get('TEE-M-BLUE', { admin: false }))).toBe('404 PRODUCT_NOT_FOUND');
    expect((await catalog.get('TEE-M-BLUE', { admin: true })).product.sku).toBe('TEE');
  });

  it.each([
    ['an option twice', { options: [...shirt.options, { name: 'size', values: ['X'] }] }, ['options/2/name']],
    [
      'a value twice',
      {
        options: [
          { name: 'Size', values: ['S', 's'] },
          { name: 'Colour', values: ['Red'] },
        ],
      },
      ['options/0/values/1'],
    ],
    ['a variant missing an option', { variants: [{ sku: 'TEE-S', options: { Size: 'S' } }] }, ['variants/0/options']],
    [
      'a variant with an option the product lacks',
      { variants: [{ sku: 'TEE-S', options: { Size: 'S', Colour: 'Red', Fit: 'Slim' } }] },
      ['variants/0/options/Fit'],
    ],
    [
      'a value the option does not list',
      { variants: [{ sku: 'TEE-XL', options: { Size: 'XL', Colour: 'Red' } }] },
      ['variants/0/options/Size'],
    ],
    [
      'two variants alike',
      {
        variants: [
          { sku: 'TEE-1', options: { Size: 'S', Colour: 'Red' } },
          { sku: 'TEE-2', options: { Size: 's', Colour: 'RED' } },
        ],
      },
      ['variants/1/options'],
    ],
    [
      'a sku twice',
      {
        variants: [
          { sku: 'TEE-1', options: { Size: 'S', Colour: 'Red' } },
          { sku: 'TEE-1', options: { Size: 'M', Colour: 'Red' } },
        ],
      },
      ['variants/1/sku'],
    ],
    [
      'the product sku for a variant',
      { variants: [{ sku: 'TEE', options: { Size: 'S', Colour: 'Red' } }] },
      ['variants/0/sku'],
    ],
    ['options without variants', { variants: [] }, ['variants']],
    ['variants without options', { options: [] }, ['options']],
  ])('is refused with %s, and nothing is stored', async (_, change, paths) => {
    const { catalog, store } = setup();
    expect(await problemPaths(catalog.create({ ...shirt, ...change }))).toEqual(paths);
    expect(store.products.size + store.variants.size + store.stock.size).toBe(0);
  });

  it('takes no sku another product or variant has, either way round', async () => {
    const { catalog, store } = setup();
    await catalog.create(shirt);
    expect(await codeOf(catalog.create({ sku: 'TEE-S-RED', name: 'Mug', price: 1, category: 'Kitchen' }))).toBe(
      '409 PRODUCT_EXISTS',
    );
    await catalog.create({ sku: 'MUG', name: 'Mug', price: 1, category: 'Kitchen' });
    const other = { ...shirt, sku: 'TEE2', variants: [{ sku: 'MUG', options: { Size: 'S', Colour: 'Red' } }] };
    expect(await codeOf(catalog.create(other))).toBe('409 PRODUCT_EXISTS');
    expect(await codeOf(catalog.addVariant('TEE', { sku: 'MUG', options: { Size: 'L', Colour: 'Red' } }))).toBe(
      '409 PRODUCT_EXISTS',
    );
    expect(store.products.has('TEE2')).toBe(false);
  });
});

describe('variants added and changed later', () => {
  it('adds a variant, and a value an option did not list yet to that option', async () => {
    const { catalog } = setup();
    await catalog.create(shirt);
    const { product } = await catalog.addVariant('TEE', { sku: 'TEE-XL-RED', options: { Size: 'XL', Colour: 'red' } });
    expect(product.options).toEqual([
      { name: 'Size', values: ['S', 'M', 'XL'] },
      { name: 'Colour', values: ['Red', 'Blue'] },
    ]);
    expect(product.variants.at(-1)).toMatchObject({ sku: 'TEE-XL-RED', options: { Size: 'XL', Colour: 'Red' } });
  });

  it('takes option names in any case, stores the product’s spelling, and refuses a name given twice', async () => {
    const { catalog } = setup();
    const { product } = await catalog.create({
      ...shirt,
      variants: [{ sku: 'TEE-1', options: { size: 's', COLOUR: 'red' } }],
    });
    expect(product.variants[0]?.options).toEqual({ Size: 'S', Colour: 'Red' });
    const added = await catalog.addVariant('TEE', { sku: 'TEE-2', options: { SIZE: 'M', colour: 'Red' } });
    expect(added.product.variants[1]?.options).toEqual({ Size: 'M', Colour: 'Red' });
    expect(
      await codeOf(catalog.addVariant('TEE', { sku: 'TEE-3', options: { Size: 'L', size: 'XL', Colour: 'Red' } })),
    ).toBe('400 VALIDATION_FAILED');
  });

  it('adds no value to an option that already lists 100', async () => {
    const { catalog } = setup();
    const sizes = Array.from({ length: 100 }, (_, i) => `N${i}`);
    await catalog.create({
      sku: 'RING',
      name: 'Ring',
      price: 100,
      category: 'Jewellery',
      options: [{ name: 'Size', values: sizes }],
      variants: [{ sku: 'RING-0', options: { Size: 'N0' } }],
    });
    expect(await codeOf(catalog.addVariant('RING', { sku: 'RING-X', options: { Size: 'X' } }))).toBe(
      '400 VALIDATION_FAILED',
    );
    expect(
      (await catalog.addVariant('RING', { sku: 'RING-1', options: { Size: 'n1' } })).product.variants,
    ).toHaveLength(2);
  });

  it('refuses a variant like an existing one, one on a simple product, and past the limit', async () => {
    const { catalog } = setup();
    await catalog.create(shirt);
    expect(await codeOf(catalog.addVariant('TEE', { sku: 'TEE-X', options: { Size: 'S', Colour: 'Red' } }))).toBe(
      '409 VARIANT_EXISTS',
    );
    expect(await codeOf(catalog.addVariant('TEE', { sku: 'TEE-X', options: { Size: 'S' } }))).toBe(
      '400 VALIDATION_FAILED',
    );
    expect(await codeOf(catalog.addVariant('TEE-S-RED', { sku: 'TEE-X', options: { Size: 'L', Colour: 'Red' } }))).toBe(
      '404 PRODUCT_NOT_FOUND',
    );
    await catalog.create({ sku: 'MUG', name: 'Mug', price: 1, category: 'Kitchen' });
    expect(await codeOf(catalog.addVariant('MUG', { sku: 'MUG-L', options: { Size: 'L' } }))).toBe(
      '409 PRODUCT_HAS_NO_OPTIONS',
    );
    for (let i = shirt.variants.length; i < MAX_VARIANTS; i++)
      await catalog.addVariant('TEE', { sku: `TEE-${i}`, options: { Size: `N${i}`, Colour: 'Red' } });
    expect((await catalog.get('TEE', { admin: true })).product.variants).toHaveLength(MAX_VARIANTS);
    expect(
      await codeOf(catalog.addVariant('TEE', { sku: 'TEE-ONE-MORE', options: { Size: 'Z', Colour: 'Red' } })),
    ).toBe('409 TOO_MANY_VARIANTS');
  });

  it("changes a variant's price (null: the product's again), weight and active flag, and nothing else", async () => {
    const { catalog } = setup();
    await catalog.create(shirt);
    const changed = await catalog.updateVariant('TEE', 'TEE-M-RED', { price: null, active: false, weight: 200 });
    const variant = changed.product.variants.find((entry) => entry.sku === 'TEE-M-RED');
    expect(variant).toMatchObject({ price: 1900, active: false, weight: 200, options: { Size: 'M', Colour: 'Red' } });
    const repriced = await catalog.update('TEE', { price: 2500 });
    expect(repriced.product.variants.find((entry) => entry.sku === 'TEE-M-RED')?.price).toBe(2500);
    expect(await codeOf(catalog.updateVariant('TEE', 'NOPE', { active: false }))).toBe('404 VARIANT_NOT_FOUND');
    expect(await codeOf(catalog.updateVariant('NOPE', 'TEE-M-RED', { active: false }))).toBe('404 PRODUCT_NOT_FOUND');
  });
});
