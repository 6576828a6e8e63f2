import type { NewProduct } from '../../shared/domain/catalog/product';
import type { NewShippingMethod } from '../../shared/domain/shipping/shipping-method-service';

/**
 * A product of the demo catalog with its stock: `stock` for a simple product, or one figure per
 * variant sku for a product with variants.
 */
export type DemoProduct = NewProduct & ({ stock: number } | { variantStock: Record<string, number> });

const sizes = ['S', 'M', 'L', 'XL'];

/** The variants of every size in every colour: `<sku>-<SIZE>-<COLOUR CODE>`, with stock from `stockOf`. */
function sizesAndColours(
  sku: string,
  colours: Record<string, string>,
  stockOf: (size: string, colour: string) => number,
): Pick<NewProduct, 'options' | 'variants'> & { variantStock: Record<string, number> } {
  const variants = sizes.flatMap((size) =>
    Object.entries(colours).map(([code, colour]) => ({
      sku: `${sku}-${size}-${code}`,
      options: { Size: size, Colour: colour },
    })),
  );
  return {
    options: [
      { name: 'Size', values: sizes },
      { name: 'Colour', values: Object.values(colours) },
    ],
    variants,
    variantStock: Object.fromEntries(
      variants.map((variant) => [variant.sku, stockOf(variant.options.Size, variant.options.Colour)]),
    ),
  };
}

/**
 * The demo catalog seeded on the first `npm start`: 23 products in 6 categories, with stock; the
 * T-shirt and the hoodie come in sizes and colours (a variant per size and colour, each with its
 * own stock; the XL hoodie costs more, and the black L T-shirt is sold out).
 */
export const demoCatalog: DemoProduct[] = [
  {
    sku: 'MUG-CLASSIC-01',
    name: 'Classic stoneware mug',
    category: 'Kitchen',
    price: 1490,
    stock: 120,
    description: 'A 350 ml mug, dishwasher safe.',
  },
  {
    sku: 'MUG-TRAVEL-02',
    name: 'Insulated travel mug',
    category: 'Kitchen',
    price: 2490,
    stock: 60,
    description: 'Keeps coffee hot for 6 hours.',
  },
  { sku: 'KNIFE-CHEF-20', name: 'Chef’s knife 20 cm', category: 'Kitchen', price: 7900, stock: 25 },
  { sku: 'BOARD-OAK-L', name: 'Oak cutting board, large', category: 'Kitchen', price: 4500, stock: 30 },
  { sku: 'POUR-OVER-V60', name: 'Ceramic pour-over dripper', category: 'Kitchen', price: 2200, stock: 45 },
  {
    sku: 'TEE-ORG',
    name: 'Organic cotton T-shirt',
    category: 'Apparel',
    price: 2900,
    weight: 180,
    description: 'Heavyweight organic cotton, regular fit.',
    ...sizesAndColours('TEE-ORG', { NAT: 'Natural', BLK: 'Black' }, (size, colour) =>
      size === 'L' && colour === 'Black' ? 0 : 20,
    ),
  },
  {
    sku: 'HOODIE',
    name: 'Brushed fleece hoodie',
    category: 'Apparel',
    price: 5900,
    weight: 650,
    ...(() => {
      const made = sizesAndColours('HOODIE', { GRY: 'Grey', NVY: 'Navy' }, () => 10);
      const variants = made.variants?.map((variant) =>
        variant.options.Size === 'XL' ? { ...variant, price: 6400, weight: 720 } : variant,
      );
      return { ...made, variants };
    })(),
  },
  { sku: 'SOCKS-WOOL-3', name: 'Merino socks, 3 pairs', category: 'Apparel', price: 2400, stock: 150 },
  { sku: 'CAP-CANVAS', name: 'Canvas cap', category: 'Apparel', price: 1900, stock: 65 },
  { sku: 'NOTEBOOK-A5-DOT', name: 'A5 dotted notebook', category: 'Stationery', price: 1290, stock: 200 },
  { sku: 'PEN-FOUNTAIN-F', name: 'Fountain pen, fine nib', category: 'Stationery', price: 3500, stock: 35 },
  { sku: 'INK-BLUE-50', name: 'Blue ink, 50 ml', category: 'Stationery', price: 990, stock: 90 },
  { sku: 'PLANNER-2027', name: '2027 weekly planner', category: 'Stationery', price: 1890, stock: 55 },
  { sku: 'LAMP-DESK-LED', name: 'LED desk lamp', category: 'Home', price: 6900, stock: 20 },
  { sku: 'CANDLE-CEDAR', name: 'Cedar scented candle', category: 'Home', price: 1800, stock: 75 },
  { sku: 'THROW-WOOL-BLU', name: 'Wool throw, blue', category: 'Home', price: 8900, stock: 15 },
  { sku: 'VASE-GLASS-S', name: 'Small glass vase', category: 'Home', price: 2600, stock: 28 },
  { sku: 'BOTTLE-STEEL-750', name: 'Steel water bottle 750 ml', category: 'Outdoor', price: 2700, stock: 100 },
  { sku: 'BACKPACK-20L', name: 'Day backpack 20 l', category: 'Outdoor', price: 7400, stock: 22 },
  { sku: 'HEADLAMP-300', name: 'Headlamp 300 lm', category: 'Outdoor', price: 3300, stock: 38 },
  { sku: 'BOOK-SOURDOUGH', name: 'The sourdough book', category: 'Books', price: 2800, stock: 33 },
  { sku: 'BOOK-TREES', name: 'A field guide to trees', category: 'Books', price: 2200, stock: 27 },
  { sku: 'BOOK-CODE', name: 'Reading code for fun', category: 'Books', price: 3900, stock: 18 },
];

/** The demo shop's tax rates (basis points), set with the catalog: an EU-style shop selling around Europe. */
export const demoTaxRates = [
  { country: 'DE', standardBps: 1900, reducedBps: 700 },
  { country: 'AT', standardBps: 2000, reducedBps: 1000 },
  { country: 'FR', standardBps: 2000, reducedBps: 550 },
  { country: 'NL', standardBps: 2100, reducedBps: 900 },
];

/**
 * The demo shop's shipping methods: a parcel service around Europe, free from 50 €, and a courier
 * for Germany and Austria priced by weight. Amounts include tax, as the demo's prices do.
 */
export const demoShippingMethods: NewShippingMethod[] = [
  {
    code: 'standard',
    name: 'Standard parcel',
    countries: ['DE', 'AT', 'FR', 'NL', 'BE', 'LU', 'GB'],
    rate: { type: 'flat', amount: 490 },
    freeOverSubtotal: 5000,
    minDeliveryDays: 2,
    maxDeliveryDays: 5,
  },
  {
    code: 'express',
    name: 'Express courier',
    countries: ['DE', 'AT'],
    rate: {
      type: 'weight',
      tiers: [
        { upToGrams: 2000, amount: 990 },
        { upToGrams: 10000, amount: 1490 },
        { upToGrams: 30000, amount: 2490 },
      ],
    },
    minDeliveryDays: 1,
    maxDeliveryDays: 2,
  },
];
