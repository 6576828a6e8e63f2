import { Address } from '../../shared/api/address-schema';
import { CreateProductBody } from '../../shared/api/catalog-routes';
import { openApiDocument } from '../../shared/api/openapi-document';
import * as z from '../../shared/lib/zod';

type Json = Record<string, any>;

const document = openApiDocument('EUR') as Json;
const schemas = document.components.schemas as Record<string, Json>;

/** Every schema object in the document, with where it is. */
function* schemaNodes(node: unknown, path = ''): Generator<{ path: string; schema: Json }> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [index, child] of node.entries()) yield* schemaNodes(child, `${path}/${index}`);
    return;
  }
  const object = node as Json;
  if (typeof object.type === 'string' || Array.isArray(object.type) || typeof object.pattern === 'string') {
    yield { path, schema: object };
  }
  for (const [key, child] of Object.entries(object)) yield* schemaNodes(child, `${path}/${key}`);
}

const isString = (schema: Json) =>
  schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string'));
const BOUNDED_FORMATS = new Set(['date', 'date-time']);

/** The patterns a string must match: its own and those of its `allOf`. */
const patternsOf = (schema: Json): string[] => [
  ...(typeof schema.pattern === 'string' ? [schema.pattern] : []),
  ...((schema.allOf as Json[] | undefined) ?? []).flatMap(patternsOf),
];
/** How a validator without Unicode support reads the schema's string rules. */
const acceptsByDocument = (schema: Json, value: string) =>
  patternsOf(schema).every((pattern) => new RegExp(pattern).test(value)) &&
  (schema.maxLength === undefined || value.length <= schema.maxLength) &&
  (schema.minLength === undefined || value.length >= schema.minLength) &&
  (schema.enum === undefined || schema.enum.includes(value));

const operations = Object.values(document.paths as Record<string, Record<string, Json>>).flatMap((item) =>
  Object.values(item),
);

describe('the OpenAPI document states what the server enforces', () => {
  it('bounds every string with a maxLength (or an enum, a const or a date format)', () => {
    const unbounded = [...schemaNodes(document)]
      .filter(({ schema }) => isString(schema))
      .filter(
        ({ schema }) =>
          schema.maxLength === undefined &&
          schema.enum === undefined &&
          schema.const === undefined &&
          !BOUNDED_FORMATS.has(schema.format),
      )
      .map(({ path }) => path);

    expect(unbounded).toEqual([]);
  });

  it('writes every pattern without Unicode property classes, so validators without the u flag read it', () => {
    const patterns = [...schemaNodes(document)].flatMap(({ path, schema }) =>
      patternsOf(schema).map((pattern) => ({ path, pattern })),
    );

    expect(patterns.length).toBeGreaterThan(10);
    expect(patterns.filter(({ pattern }) => /\\[pP]\{/.test(pattern))).toEqual([]);
    for (const { pattern } of patterns) expect(() => new RegExp(pattern)).not.toThrow();
  });

  it('refuses whitespace-only strings wherever the server trims them and refuses the rest', () => {
    const trimmed = [
      schemas.CreateProduct?.properties.name,
      schemas.CreateProduct?.properties.category,
      schemas.AdjustStock?.properties.reason,
      ...['name', 'line1', 'city', 'postalCode'].map((field) => schemas.Address?.properties[field]),
    ];

    for (const schema of trimmed) {
      expect(schema).toBeDefined();
      for (const blank of [' ', '   ', '\t \n']) expect(acceptsByDocument(schema as Json, blank)).toBe(false);
      expect(acceptsByDocument(schema as Json, 'A1')).toBe(true);
    }
  });

  it('agrees with the server on categories and postal codes, in letters of any script', () => {
    const category = schemas.CreateProduct?.properties.category as Json;
    const postalCode = schemas.Address?.properties.postalCode as Json;
    const product = (value: string) => ({ sku: 'A', name: 'n', price: 1, category: value });
    const address = (value: string) => ({ name: 'n', line1: 'l', city: 'c', country: 'DE', postalCode: value });
    const categories = [
      'Kitchen',
      'Home & Garden',
      "Kid's",
      'Küche',
      'Кухня',
      '厨房',
      'a<b',
      'a_b',
      'a\u202Eb',
      'a\u200Bb',
      'a\tb',
    ];
    const postalCodes = ['SW1Y 4JH', '10115', 'K1A 0B1', '1234-567', 'ÄÖ1', '12_34', '12\u00A034'];

    for (const value of categories) {
      expect({ value, document: acceptsByDocument(category, value) }).toEqual({
        value,
        document: z.safeParse(CreateProductBody, product(value)).success,
      });
    }
    for (const value of postalCodes) {
      expect({ value, document: acceptsByDocument(postalCode, value) }).toEqual({
        value,
        document: z.safeParse(Address, address(value)).success,
      });
    }
  });

  it('states the order id pattern, the https image URL, the country codes and exactly one discount kind', () => {
    const orderId = (document.paths['/v1/orders/{orderId}'].get.parameters as Json[]).find((p) => p.name === 'orderId');
    const imageUrl = schemas.CreateProduct?.properties.imageUrl.anyOf[0] as Json;
    const country = schemas.Address?.properties.country as Json;

    expect(acceptsByDocument(orderId?.schema, 'ord_3f9a1c0d2b7e4a56')).toBe(true);
    expect(acceptsByDocument(orderId?.schema, '../admin')).toBe(false);
    expect(acceptsByDocument(imageUrl, 'https://cdn.example/mug.png')).toBe(true);
    expect(acceptsByDocument(imageUrl, 'http://cdn.example/mug.png')).toBe(false);
    expect(acceptsByDocument(imageUrl, 'javascript:alert(1)')).toBe(false);
    expect(country.enum).toHaveLength(249);
    expect(country.enum).toEqual(expect.arrayContaining(['DE', 'FR', 'US']));
    expect(country.enum).not.toContain('EU');
    expect(schemas.CreateDiscount?.oneOf).toEqual([{ required: ['percentOff'] }, { required: ['amountOff'] }]);
  });

  it('states the length of an Idempotency-Key in its schema', () => {
    const key = (document.paths['/v1/orders'].post.parameters as Json[]).find((p) => p.name === 'Idempotency-Key');

    expect(key).toMatchObject({
      in: 'header',
      required: true,
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  });

  it('documents Retry-After on every 429, and on the 409 of a checkout still in progress', () => {
    const limited = operations.filter((operation) => operation.responses['429']);

    expect(limited.length).toBeGreaterThan(20);
    for (const operation of limited) {
      expect(operation.responses['429'].headers['Retry-After'].schema).toEqual({ type: 'integer', minimum: 1 });
    }
    expect(document.paths['/v1/orders'].post.responses['409'].headers['Retry-After']).toBeDefined();
  });

  it('documents RateLimit-Policy on every answer of every rate-limited operation', () => {
    const limited = operations.filter((operation) => operation.responses['429']);

    for (const operation of limited) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        expect({ operation: operation.operationId, status, header: response.headers?.['RateLimit-Policy'] }).toEqual({
          operation: operation.operationId,
          status,
          header: expect.objectContaining({ schema: expect.objectContaining({ type: 'string' }) }),
        });
      }
    }
  });
});
