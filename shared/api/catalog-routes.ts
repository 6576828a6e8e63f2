import {
  MAX_OPTION_VALUES,
  MAX_OPTIONS,
  MAX_VARIANTS,
  MAX_VARIANTS_PER_CREATE,
  TAX_CLASSES,
} from '../domain/catalog/product';
import { defineRoute } from '../http/route-spec';
import * as z from '../lib/zod';
import {
  Currency,
  Cursor,
  Limit,
  Money,
  OptionValuesOut,
  pageOf,
  Sku,
  SkuParams,
  Text,
  Timestamp,
} from './common-schemas';

const MAX_NAME = 200;
const MAX_DESCRIPTION = 5000;
const MAX_CATEGORY = 64;
const MAX_IMAGE_URL = 2048;

const Name = /* @__PURE__ */ z
  .string()
  .check(/* @__PURE__ */ z.trim(), /* @__PURE__ */ z.minLength(1), /* @__PURE__ */ z.maxLength(MAX_NAME));
const Description = /* @__PURE__ */ z.nullable(
  /* @__PURE__ */ z.string().check(/* @__PURE__ */ z.maxLength(MAX_DESCRIPTION)),
);

/**
 * A category name: letters of any script, digits, spaces and `& ' -`, and other symbols, but no
 * ASCII punctuation besides those three, no control characters and no invisible formatting
 * characters (zero-width, bidirectional). Written as an excluded set with `\u` escapes and no `u`
 * flag, so that JSON Schema validators without Unicode property classes read the same rule
 * (docs/decisions/0010-http-contract-strictness.md).
 */
const CATEGORY_PATTERN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /^[^\u0000-\u001F\u007F-\u009F!"#$%()*+,./:;<=>?@[\\\]^_`{|}~\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]+$/;

export const Category = /* @__PURE__ */ z
  .string()
  .check(
    /* @__PURE__ */ z.trim(),
    /* @__PURE__ */ z.minLength(1),
    /* @__PURE__ */ z.maxLength(MAX_CATEGORY),
    /* @__PURE__ */ z.regex(
      CATEGORY_PATTERN,
      "category may hold letters, digits, spaces, & ' - and symbols, but no other punctuation",
    ),
  );

/** `https://` and a host, as the URL check requires; stated as a pattern, which validators check (`format: uri` is advisory). */
const HTTPS_URL_PATTERN = /^https:\/\/[^\s/?#]+/;
const ImageUrl = /* @__PURE__ */ z.nullable(
  /* @__PURE__ */ z
    .url({ protocol: /^https$/, error: 'imageUrl must be an https URL' })
    .check(
      /* @__PURE__ */ z.maxLength(MAX_IMAGE_URL),
      /* @__PURE__ */ z.regex(HTTPS_URL_PATTERN, 'imageUrl must be an https URL'),
    ),
);

const MAX_LABEL = 50;
const MAX_WEIGHT_GRAMS = 1_000_000;

/**
 * An option's name or value ("Size", "M", "Navy blue", "10.5"): trimmed, 1–50 characters, any
 * punctuation, but no control characters and no invisible formatting characters.
 */
const Label = /* @__PURE__ */ z.string().check(
  /* @__PURE__ */ z.trim(),
  /* @__PURE__ */ z.minLength(1),
  /* @__PURE__ */ z.maxLength(MAX_LABEL),
  /* @__PURE__ */ z.regex(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    /^[^\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]+$/,
    'no control or invisible characters',
  ),
);

const Weight = /* @__PURE__ */ z
  .number()
  .check(z.int('weight is whole grams'), z.gte(0), z.lte(MAX_WEIGHT_GRAMS))
  .register(z.globalRegistry, { description: 'Weight in grams' });

const TaxClass = /* @__PURE__ */ z
  .enum(TAX_CLASSES)
  .register(z.globalRegistry, { description: 'Which of the country’s rates applies (default `standard`)' });

const ProductOption = /* @__PURE__ */ z
  .strictObject({
    name: Label,
    values: z.array(Label).check(z.minLength(1), z.maxLength(MAX_OPTION_VALUES)),
  })
  .register(z.globalRegistry, { id: 'ProductOption', example: { name: 'Size', values: ['S', 'M', 'L'] } });

/** A variant's option values as a request gives them: one per option of the product. */
const OptionValuesIn = /* @__PURE__ */ z
  .record(Label, Label)
  .check(
    z.refine((values) => Object.keys(values).length <= MAX_OPTIONS, `at most ${MAX_OPTIONS} options`),
    z.refine((values) => Object.keys(values).length >= 1, 'give one value per option of the product'),
  )
  .register(z.globalRegistry, { description: 'One value per option of the product', example: { Size: 'M' } });

const Variant = /* @__PURE__ */ z
  .object({
    sku: Sku,
    options: OptionValuesOut,
    price: Money,
    weight: z.nullable(Weight),
    active: z.boolean(),
    available: z.number().check(z.int()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'Variant', description: 'A sellable unit of a product with options' });

export const NewVariantBody = /* @__PURE__ */ z
  .strictObject({
    sku: Sku,
    options: OptionValuesIn,
    price: z.optional(
      z.nullable(Money).register(z.globalRegistry, { description: 'Its own price; null or absent: the product’s' }),
    ),
    weight: z.optional(z.nullable(Weight)),
    active: z.optional(z.boolean()),
  })
  .register(z.globalRegistry, { id: 'NewVariant' });

export const UpdateVariantBody = /* @__PURE__ */ z
  .strictObject({
    price: z.optional(z.nullable(Money)),
    weight: z.optional(z.nullable(Weight)),
    active: z.optional(z.boolean()),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, { message: 'give at least one field to change' }))
  .register(z.globalRegistry, { id: 'UpdateVariant' });

export const Product = /* @__PURE__ */ z
  .object({
    sku: Sku,
    name: Text(MAX_NAME),
    description: z.nullable(Text(MAX_DESCRIPTION)),
    price: Money,
    currency: Currency,
    category: Text(MAX_CATEGORY),
    imageUrl: z.nullable(Text(MAX_IMAGE_URL)),
    active: z.boolean(),
    options: z.array(ProductOption),
    variants: z.array(Variant),
    weight: z.nullable(Weight),
    taxClass: TaxClass,
    available: z.number().check(z.int()).register(z.globalRegistry, {
      description: 'Units that can be ordered now (of a product with variants: the sum of its active variants’)',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'Product' });

/** A product's own fields, as its events carry them (no stock: `inventory.low` tells of that). */
export const ProductFacts = /* @__PURE__ */ z
  .extend(/* @__PURE__ */ z.omit(Product, { variants: true, available: true }), {
    variantSkus: /* @__PURE__ */ z
      .array(Sku)
      .register(z.globalRegistry, { description: 'Its variants, in the order they were added' }),
  })
  .register(z.globalRegistry, { id: 'ProductFacts' });

/** A variant's own fields, as its product's events carry them; `price`/`weight` null: the product's. */
export const VariantFacts = /* @__PURE__ */ z
  .object({
    sku: Sku,
    options: OptionValuesOut,
    price: z.nullable(Money),
    weight: z.nullable(Weight),
    active: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .register(z.globalRegistry, { id: 'VariantFacts' });

export const CreateProductBody = /* @__PURE__ */ z
  .strictObject({
    sku: Sku,
    name: Name,
    description: z.optional(Description),
    price: Money,
    category: Category,
    imageUrl: z.optional(ImageUrl),
    active: z.optional(z.boolean()),
    options: z.optional(z.array(ProductOption).check(z.maxLength(MAX_OPTIONS, `at most ${MAX_OPTIONS} options`))),
    variants: z.optional(
      z
        .array(NewVariantBody)
        .check(
          z.maxLength(
            MAX_VARIANTS_PER_CREATE,
            `at most ${MAX_VARIANTS_PER_CREATE} variants at creation; add more with POST /v1/products/{sku}/variants (up to ${MAX_VARIANTS} in all)`,
          ),
        ),
    ),
    weight: z.optional(z.nullable(Weight)),
    taxClass: z.optional(TaxClass),
  })
  .register(z.globalRegistry, { id: 'CreateProduct' });

export const UpdateProductBody = /* @__PURE__ */ z
  .strictObject({
    name: z.optional(Name),
    description: z.optional(Description),
    price: z.optional(Money),
    category: z.optional(Category),
    imageUrl: z.optional(ImageUrl),
    active: z.optional(z.boolean()),
    weight: z.optional(z.nullable(Weight)),
    taxClass: z.optional(TaxClass),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, { message: 'give at least one field to change' }))
  .register(z.globalRegistry, { id: 'UpdateProduct' });

const ETAG_HEADER = 'Strong entity tag of the representation';
const etagHeaders = { ETag: ETAG_HEADER };

export const listProductsRoute = /* @__PURE__ */ defineRoute({
  operationId: 'listProducts',
  method: 'GET',
  path: '/v1/products',
  role: 'public',
  summary: 'List active products',
  tags: ['Catalog'],
  query: /* @__PURE__ */ z.strictObject({
    category: /* @__PURE__ */ z.optional(Category),
    limit: Limit,
    cursor: /* @__PURE__ */ z.optional(Cursor),
  }),
  responses: { 200: { description: 'A page of active products, by sku', schema: /* @__PURE__ */ pageOf(Product) } },
  errors: [{ status: 400, code: 'INVALID_CURSOR' }],
  cacheable: true,
});

export const getProductRoute = /* @__PURE__ */ defineRoute({
  operationId: 'getProduct',
  method: 'GET',
  path: '/v1/products/{sku}',
  role: 'public',
  optionalAuth: true,
  summary: 'Get one product',
  description:
    'Active products for anyone, cached publicly. With an admin token, inactive products too, read ' +
    'strongly consistent and sent `Cache-Control: private, no-store`, with the ETag a `PATCH` needs. ' +
    'Another token, or a token that is not valid, reads as anyone.',
  tags: ['Catalog'],
  params: SkuParams,
  headers: [{ name: 'If-None-Match', description: 'ETag of a cached copy: 304 when it is still current' }],
  responses: {
    200: { description: 'The product', schema: Product, headers: etagHeaders },
    304: { description: 'The cached copy is current' },
  },
  errors: [{ status: 404, code: 'PRODUCT_NOT_FOUND' }],
  cacheable: true,
});

export const createProductRoute = /* @__PURE__ */ defineRoute({
  operationId: 'createProduct',
  method: 'POST',
  path: '/v1/products',
  role: 'admin',
  summary: 'Create a product (no stock yet)',
  tags: ['Catalog'],
  body: CreateProductBody,
  responses: {
    201: { description: 'Created', schema: Product, headers: { Location: 'URL of the product', ETag: ETAG_HEADER } },
  },
  errors: [{ status: 409, code: 'PRODUCT_EXISTS' }],
});

export const updateProductRoute = /* @__PURE__ */ defineRoute({
  operationId: 'updateProduct',
  method: 'PATCH',
  path: '/v1/products/{sku}',
  role: 'admin',
  summary: 'Change some fields of a product',
  tags: ['Catalog'],
  params: SkuParams,
  body: UpdateProductBody,
  headers: [{ name: 'If-Match', description: 'Only apply if the product’s current ETag is exactly this' }],
  responses: { 200: { description: 'The updated product', schema: Product, headers: etagHeaders } },
  errors: [
    { status: 404, code: 'PRODUCT_NOT_FOUND' },
    { status: 412, code: 'PRECONDITION_FAILED' },
  ],
});

const VariantParams = /* @__PURE__ */ z.strictObject({ sku: Sku, variantSku: Sku });

export const addVariantRoute = /* @__PURE__ */ defineRoute({
  operationId: 'addVariant',
  method: 'POST',
  path: '/v1/products/{sku}/variants',
  role: 'admin',
  summary: 'Add a variant (no stock yet) to a product with options',
  description:
    `A value an option does not list yet is added to it. At most ${MAX_VARIANTS} variants per product; ` +
    'a variant sku is unique across products and variants.',
  tags: ['Catalog'],
  params: SkuParams,
  body: NewVariantBody,
  responses: {
    201: {
      description: 'The product with its new variant',
      schema: Product,
      headers: { Location: 'URL of the new variant (which shows its product)', ETag: ETAG_HEADER },
    },
  },
  errors: [
    { status: 404, code: 'PRODUCT_NOT_FOUND' },
    { status: 409, code: 'PRODUCT_EXISTS' },
    { status: 409, code: 'VARIANT_EXISTS' },
    { status: 409, code: 'TOO_MANY_VARIANTS' },
    { status: 409, code: 'PRODUCT_HAS_NO_OPTIONS' },
  ],
});

export const updateVariantRoute = /* @__PURE__ */ defineRoute({
  operationId: 'updateVariant',
  method: 'PATCH',
  path: '/v1/products/{sku}/variants/{variantSku}',
  role: 'admin',
  summary: 'Change a variant’s price, weight or active flag',
  description: '`price: null` makes the variant sell at the product’s price again; `active: false` stops its sale.',
  tags: ['Catalog'],
  params: VariantParams,
  body: UpdateVariantBody,
  responses: { 200: { description: 'The product with the changed variant', schema: Product, headers: etagHeaders } },
  errors: [
    { status: 404, code: 'PRODUCT_NOT_FOUND' },
    { status: 404, code: 'VARIANT_NOT_FOUND' },
  ],
});
