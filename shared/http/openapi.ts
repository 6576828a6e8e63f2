import { Problem } from '../api/common-schemas';
import * as z from '../lib/zod';
import { bodyIsOptional, type RouteSpec } from './route-spec';

type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  currency: string;
}

/** Converts a zod schema and hoists named sub-schemas (registered with an `id`) into `components.schemas`. */
function schemaConverter(components: Record<string, JsonSchema>) {
  return (schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema => {
    const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    const rewritten = JSON.parse(
      JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as JsonSchema;
    const { $schema: _schema, $defs, ...rest } = rewritten;
    for (const [id, definition] of Object.entries(($defs as Record<string, JsonSchema> | undefined) ?? {})) {
      components[id] ??= definition;
    }
    return rest;
  };
}

const problemResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Response headers of problem answers that tell the client when to come back. */
const PROBLEM_HEADERS: Record<number, Record<string, unknown>> = {
  429: {
    'Retry-After': {
      description: 'Seconds until the rate-limit window ends',
      schema: { type: 'integer', minimum: 1 },
    },
  },
};

function objectParameters(
  schema: z.core.$ZodType | undefined,
  location: 'path' | 'query',
  convert: ReturnType<typeof schemaConverter>,
) {
  if (!schema) return [];
  const json = convert(schema, 'input');
  const properties = (json.properties as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document, generated from the same route declarations that validate requests. */
export function buildOpenApiDocument(routes: RouteSpec[], info: OpenApiInfo): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const convert = schemaConverter(components);
  convert(Problem, 'output');
  const paths: Record<string, Record<string, unknown>> = {};

  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const contentType = response.contentType ?? 'application/json';
      responses[status] = {
        description: response.description,
        ...(response.schema ? { content: { [contentType]: { schema: convert(response.schema, 'output') } } } : {}),
        ...(!response.schema && response.contentType ? { content: { [contentType]: {} } } : {}),
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, description]) => [
                  name,
                  { description, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
      };
    }
    const errors = new Map<number, string[]>();
    const addError = (status: number, code: string) => errors.set(status, [...(errors.get(status) ?? []), code]);
    if (route.params || route.query || route.body) addError(400, 'VALIDATION_FAILED');
    if (route.body) {
      addError(400, 'MALFORMED_JSON');
      addError(413, 'PAYLOAD_TOO_LARGE');
      addError(415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    if (route.role !== 'public') addError(401, 'UNAUTHENTICATED');
    if (route.role === 'admin') addError(403, 'FORBIDDEN');
    if (route.rateLimited !== false) addError(429, 'RATE_LIMITED');
    for (const { status, code } of route.errors ?? []) addError(status, code);
    addError(500, 'INTERNAL_ERROR');
    for (const [status, codes] of [...errors].sort(([a], [b]) => a - b)) {
      responses[String(status)] ??= problemResponse(
        `Problem: ${codes.map((code) => `\`${code}\``).join(', ')}`,
        PROBLEM_HEADERS[status],
      );
    }

    const operation = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      // Public: no token; with optionalAuth, a token is optional (an empty requirement or bearer).
      ...(route.role === 'public' ? { security: route.optionalAuth ? [{}, { bearerAuth: [] }] : [] } : {}),
      ...(route.role === 'admin' ? { 'x-required-group': 'admin' } : {}),
      parameters: [
        ...objectParameters(route.params, 'path', convert),
        ...objectParameters(route.query, 'query', convert),
        ...(route.headers ?? []).map((h) => ({
          name: h.name,
          in: 'header',
          required: h.required ?? false,
          description: h.description,
          schema: { type: 'string' },
        })),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: !bodyIsOptional(route),
              content: { 'application/json': { schema: convert(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.flatMap((route) => route.tags))].map((name) => ({ name })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Cognito access token (locally: `npm run token`). Admin routes need the `admin` group.',
        },
      },
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
    },
    'x-currency': info.currency,
  };
}
