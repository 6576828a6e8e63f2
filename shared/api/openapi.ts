import { bodyIsOptional, type RouteSpec } from '../http/route-spec';
import * as z from '../lib/zod';
import { Problem } from './common-schemas';

type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  currency: string;
}

/** An event the API sends to webhook endpoints: documented under the document's `webhooks`. */
export interface SentEvent {
  type: string;
  schema: z.core.$ZodType;
}

/** What every webhook delivery carries besides the event (contract §5.7). */
const WEBHOOK_HEADERS = [
  {
    name: 'Cartwheel-Signature',
    description:
      '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` under the endpoint’s secret: recompute it over the raw body, compare in constant time, refuse an old `t`',
    maxLength: 128,
  },
  {
    name: 'Cartwheel-Event-Id',
    description: 'The event’s id, the same in every delivery of it: dedupe by it',
    maxLength: 29,
  },
  { name: 'Cartwheel-Event-Type', description: 'The event’s type', maxLength: 64 },
];

/** The document's `webhooks`: one POST per event type, as a receiver gets it. */
function webhooksOf(events: SentEvent[], convert: ReturnType<typeof schemaConverter>) {
  return Object.fromEntries(
    events.map(({ type, schema }) => [
      type,
      {
        post: {
          operationId: `receive.${type}`,
          summary: `\`${type}\``,
          description: (z.globalRegistry.get(schema)?.description as string | undefined) ?? type,
          tags: ['Events'],
          parameters: WEBHOOK_HEADERS.map(({ name, description, maxLength }) => ({
            name,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string', maxLength },
          })),
          requestBody: { required: true, content: { 'application/json': { schema: convert(schema, 'output') } } },
          responses: {
            '2XX': { description: 'Received: a 2xx within 10 s ends the delivery' },
            default: {
              description:
                'Anything else, a redirect or no answer within 10 s: retried with exponential backoff for 25 hours, then listed as FAILED',
            },
          },
        },
      },
    ]),
  );
}

/**
 * The longest header value documented when a route does not say: API Gateway refuses requests
 * whose headers exceed 10 KiB in all, so no single value is longer.
 */
export const MAX_HEADER_LENGTH = 10_240;
/** Response header values we send (ETags, URLs of our own resources) are far shorter. */
const MAX_RESPONSE_HEADER_LENGTH = 2048;

/** A JSON Schema pattern that refuses empty and whitespace-only strings (JavaScript's `\s` is what trim removes). */
export const NOT_BLANK_PATTERN = '\\S';

const isStringSchema = (schema: z.core.$ZodType) => schema._zod.def.type === 'string';

/**
 * Whether a string schema trims its input and then refuses what is left of a blank one: its
 * minimum length is not in the document's terms (it counts after trimming), so the document adds
 * a pattern that refuses whitespace-only strings, which standard validators then check too.
 */
function refusesBlank(schema: z.core.$ZodType): boolean {
  const checks = (schema._zod.def as { checks?: Array<{ _zod: { def: { check: string; tx?: unknown } } }> }).checks;
  const trims = (checks ?? []).some(
    (check) =>
      check._zod.def.check === 'overwrite' &&
      typeof check._zod.def.tx === 'function' &&
      check._zod.def.tx(' \t ') === '',
  );
  return trims && !z.safeParse(schema, ' ').success;
}

/** Adds a pattern to a JSON schema that may already hold one (JSON Schema allows one per schema, hence `allOf`). */
function addPattern(json: JsonSchema, pattern: string): void {
  const existing = [
    ...(typeof json.pattern === 'string' ? [{ pattern: json.pattern }] : []),
    ...((json.allOf as JsonSchema[] | undefined) ?? []),
  ];
  if (existing.some((entry) => entry.pattern === pattern)) return;
  if (existing.length === 0) {
    json.pattern = pattern;
    return;
  }
  delete json.pattern;
  json.allOf = [...existing, { pattern }];
}

/** Converts a zod schema and hoists named sub-schemas (registered with an `id`) into `components.schemas`. */
function schemaConverter(components: Record<string, JsonSchema>) {
  return (schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema => {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: (ctx) => {
        const zodSchema = ctx.zodSchema as z.core.$ZodType;
        if (io === 'input' && isStringSchema(zodSchema) && refusesBlank(zodSchema)) {
          addPattern(ctx.jsonSchema as JsonSchema, NOT_BLANK_PATTERN);
        }
      },
    }) as JsonSchema;
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

/** Sent on every answer of a rate-limited route (draft-ietf-httpapi-ratelimit-headers). */
const RATE_LIMIT_POLICY_HEADER = {
  description:
    'The per-principal request limit: `"requests";q=<requests>;w=<window seconds>` (RATE_LIMIT_REQUESTS_PER_SECOND per second)',
  schema: { type: 'string', maxLength: 100, example: '"requests";q=50;w=1' },
};

const retryAfter = (description: string) => ({ description, schema: { type: 'integer', minimum: 1 } });

/** Response headers of problem answers: when to come back, and how to authenticate. */
const PROBLEM_HEADERS: Record<number, Record<string, unknown>> = {
  401: {
    'WWW-Authenticate': {
      description: 'The bearer challenge (RFC 6750)',
      schema: { type: 'string', maxLength: MAX_RESPONSE_HEADER_LENGTH },
    },
  },
  409: { 'Retry-After': retryAfter('With `IDEMPOTENCY_IN_PROGRESS`: seconds after which to retry') },
  429: { 'Retry-After': retryAfter('Seconds until the rate-limit window ends') },
  503: { 'Retry-After': retryAfter('Seconds after which a retry may succeed') },
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
export function buildOpenApiDocument(routes: RouteSpec[], info: OpenApiInfo, events: SentEvent[] = []): JsonSchema {
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
                  { description, schema: { type: 'string', maxLength: MAX_RESPONSE_HEADER_LENGTH } },
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
        status === 409 && !codes.includes('IDEMPOTENCY_IN_PROGRESS') ? undefined : PROBLEM_HEADERS[status],
      );
    }

    if (route.rateLimited !== false) {
      for (const response of Object.values(responses) as Array<{ headers?: Record<string, unknown> }>) {
        response.headers = { ...response.headers, 'RateLimit-Policy': RATE_LIMIT_POLICY_HEADER };
      }
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
          schema: h.schema ? convert(h.schema, 'input') : { type: 'string', maxLength: MAX_HEADER_LENGTH },
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
    tags: [...new Set([...routes.flatMap((route) => route.tags), ...(events.length > 0 ? ['Events'] : [])])].map(
      (name) => ({ name }),
    ),
    security: [{ bearerAuth: [] }],
    paths,
    ...(events.length > 0 ? { webhooks: webhooksOf(events, convert) } : {}),
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
