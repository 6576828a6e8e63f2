/**
 * A property-based fuzzer of the HTTP API, driven by its own OpenAPI document: fast-check draws
 * requests for every operation (path values from the documented patterns and from the ones that
 * broke routers before: dot segments, bad percent-encoding, long or non-ASCII values; queries;
 * bodies from the request schema, mutated, or not JSON at all; content types; tokens good and bad),
 * sends them over a raw loopback socket (no client normalises the path first), and checks every
 * answer against the document:
 * - no 5xx other than a documented 503;
 * - the status is documented for the operation;
 * - a success's body validates against the documented schema;
 * - an error is `application/problem+json`, validates as a Problem, and its `status` and
 *   `requestId` match the response;
 * - every answer carries our headers (`X-Request-Id` and the security headers).
 */
import http from 'node:http';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';

type Json = Record<string, unknown>;

export interface FuzzTarget {
  baseUrl: string;
  document: Json;
  /** Bearer tokens: a customer, an administrator, and one the issuer did not sign. */
  tokens: { customer: string; admin: string; forged: string };
  /** Values that exist in the stack (a stocked sku), so some requests get past the lookups. */
  examples: Record<string, string[]>;
}

export interface FuzzRequest {
  operation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * A path parameter drawn empty leaves an empty segment (`/v1/cart/items/`, `/v1/discounts/`):
   * no longer the operation's path, and which route (if any) takes it is the router's business
   * (a trailing slash may be trimmed, API Gateway and the local server differ). Such answers are held
   * to what every answer owes (no 5xx, our headers, problem documents), not to the operation's list.
   */
  emptySegment?: boolean;
}

export interface FuzzFinding {
  request: FuzzRequest;
  status: number;
  problems: string[];
  body: string;
}

interface Operation {
  id: string;
  method: string;
  template: string;
  parameters: Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
  requestSchema: Json | undefined;
  bodyRequired: boolean;
  responses: Record<string, Json>;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

function operationsOf(document: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths as Record<string, Record<string, Json>>)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const content = (operation.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      operations.push({
        id: String(operation.operationId),
        method: method.toUpperCase(),
        template,
        parameters: (operation.parameters as Operation['parameters'] | undefined) ?? [],
        requestSchema: content?.['application/json']?.schema as Json | undefined,
        bodyRequired: (operation.requestBody as Json | undefined)?.required === true,
        responses: operation.responses as Record<string, Json>,
      });
    }
  }
  return operations;
}

/** Resolves a `$ref` into the document's components. */
function resolve(document: Json, schema: Json | undefined): Json | undefined {
  if (!schema) return undefined;
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  return resolve(document, ((document.components as Json).schemas as Json)[name] as Json);
}

/** Values of the shapes that broke routers and parsers before, raw on the wire. */
const HOSTILE_SEGMENTS = [
  '.',
  '..',
  '%2e',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '%ff',
  '%c3%28',
  '%',
  '%zz',
  'a%2Fb',
  '%00',
  '%E2%80%AE',
  'x'.repeat(300),
  '%C3%84',
  '__proto__',
  'constructor',
];

const text = fc.string({ maxLength: 40 });
const unicodeText = fc.string({ unit: 'grapheme', maxLength: 20 });

/** A value for a schema: mostly valid-looking, sometimes not. */
function valueFor(document: Json, raw: Json | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw) ?? {};
  const variants: Array<fc.Arbitrary<unknown>> = [];
  if (Array.isArray(schema.enum)) variants.push(fc.constantFrom(...(schema.enum as unknown[])));
  if (schema.const !== undefined) variants.push(fc.constant(schema.const));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0)
      variants.push(fc.oneof(...options.map((option) => valueFor(document, option as Json, depth + 1))));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.example !== undefined) variants.push(fc.constant(schema.example));
  switch (type) {
    case 'string':
      variants.push(
        fc.string({
          minLength: Number(schema.minLength ?? 0),
          maxLength: Math.min(Number(schema.maxLength ?? 40), 80),
        }),
      );
      break;
    case 'integer':
      variants.push(
        fc.integer({
          min: Math.max(Number(schema.minimum ?? -1000), -1e9),
          max: Math.min(Number(schema.maximum ?? 1e6), 1e12),
        }),
      );
      break;
    case 'number':
      variants.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
      break;
    case 'boolean':
      variants.push(fc.boolean());
      break;
    case 'array':
      if (depth < 3) variants.push(fc.array(valueFor(document, schema.items as Json, depth + 1), { maxLength: 4 }));
      break;
    case 'object':
      if (depth < 3) variants.push(objectFor(document, schema, depth + 1));
      break;
  }
  if (variants.length === 0) variants.push(fc.jsonValue({ maxDepth: 2 }));
  // Now and then a value of the wrong kind altogether.
  return fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...variants) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  );
}

function objectFor(document: Json, schema: Json, depth: number): fc.Arbitrary<Json> {
  const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const entries = Object.entries(properties).map(([name, property]) => {
    const value = valueFor(document, property, depth);
    // Required fields are usually there, optional ones half the time.
    return fc.option(
      value.map((v) => [name, v] as const),
      { freq: required.has(name) ? 10 : 1, nil: undefined },
    );
  });
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter((pair) => pair !== undefined)) as Json);
}

function bodyFor(document: Json, operation: Operation): fc.Arbitrary<string | undefined> {
  if (!operation.requestSchema)
    return fc.option(
      fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
      { nil: undefined, freq: 4 },
    );
  const valid = valueFor(document, operation.requestSchema);
  return fc.oneof(
    { weight: 8, arbitrary: valid.map((value) => JSON.stringify(value)) },
    // An extra field, or one that would pollute prototypes if merged naively.
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom('__proto__', 'constructor', 'unknownField', 'isAdmin'),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .map(([value, key, extra]) => {
          const base = JSON.stringify(value);
          const injected = JSON.stringify({ [key]: extra }).slice(1, -1);
          return base.startsWith('{') && base !== '{}' ? `{${injected},${base.slice(1)}` : base;
        }),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constantFrom('{', 'not json', '{"a":}', '', '[', '\u0000', 'null') },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function pathValue(target: FuzzTarget, name: string, schema: Json | undefined): fc.Arbitrary<string> {
  const examples = [
    ...(target.examples[name] ?? []),
    ...(schema?.example !== undefined ? [String(schema.example)] : []),
  ];
  return fc.oneof(
    { weight: 6, arbitrary: examples.length > 0 ? fc.constantFrom(...examples) : text.map(encodeURIComponent) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 2, arbitrary: fc.oneof(text, unicodeText).map(encodeURIComponent) },
  );
}

function queryFor(document: Json, operation: Operation): fc.Arbitrary<string> {
  const declared = operation.parameters.filter((parameter) => parameter.in === 'query');
  const pairs = declared.map((parameter) =>
    fc.option(
      fc
        .oneof(
          valueFor(document, parameter.schema).map((value) =>
            typeof value === 'string' ? value : JSON.stringify(value),
          ),
          fc.constantFrom('0', '-1', '101', '1e3', '', 'abc', '%ff', 'x'.repeat(3000)),
        )
        .map(
          (value) =>
            `${encodeURIComponent(parameter.name)}=${value.startsWith('%') ? value : encodeURIComponent(value)}`,
        ),
      { freq: 2, nil: undefined },
    ),
  );
  const unknown = fc.option(fc.constant('unknownParam=1'), { freq: 8, nil: undefined });
  return fc.tuple(unknown, ...pairs).map((parts) => {
    const present = parts.filter((part) => part !== undefined);
    return present.length > 0 ? `?${present.join('&')}` : '';
  });
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'text/plain',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'application/json, text/plain',
  'multipart/form-data; boundary=x',
];

/**
 * The target as a client puts it on the wire: characters a request line cannot hold (space,
 * controls, non-ASCII) percent-encoded as UTF-8; everything else, `%` and dot segments included,
 * exactly as drawn.
 */
const sendable = (target: string) =>
  target.replace(/[^\x21-\x7e]/gu, (character) =>
    [...Buffer.from(character, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );

function requestFor(target: FuzzTarget, operation: Operation): fc.Arbitrary<FuzzRequest> {
  const names = [...operation.template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
  const segments = names.map((name) =>
    pathValue(target, name, operation.parameters.find((parameter) => parameter.name === name)?.schema),
  );
  const { tokens } = target;
  const authorization = fc.constantFrom(
    undefined,
    `Bearer ${tokens.customer}`,
    `Bearer ${tokens.admin}`,
    `bearer ${tokens.customer}`,
    `Bearer ${tokens.forged}`,
    'Bearer not.a.token',
    'Basic YWRtaW46YWRtaW4=',
    `Bearer ${tokens.admin}`,
    `Bearer ${tokens.customer}`,
  );
  const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  const idempotencyKey = fc.constantFrom(undefined, 'k', '', 'x'.repeat(256), 'fuzz-key-1', 'fuzz-key-2');
  return fc
    .record({
      values: fc.tuple(...segments),
      query: queryFor(target.document, operation),
      body: bodyFor(target.document, operation),
      authorization,
      contentType,
      idempotencyKey: operation.method === 'POST' ? idempotencyKey : fc.constant(undefined),
      ifMatch: fc.constantFrom(undefined, undefined, undefined, '"abc"', '*', 'W/"x"'),
    })
    .map(({ values, query, body, authorization, contentType, idempotencyKey, ifMatch }) => {
      let path = operation.template;
      names.forEach((name, index) => {
        path = path.replace(`{${name}}`, values[index] ?? '');
      });
      const headers: Record<string, string> = {};
      if (authorization) headers.authorization = authorization;
      if (body !== undefined && contentType) headers['content-type'] = contentType;
      if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
      if (ifMatch) headers[operation.method === 'GET' ? 'if-none-match' : 'if-match'] = ifMatch;
      return {
        operation: operation.id,
        method: operation.method,
        path: sendable(`${path}${query}`),
        headers,
        ...(body !== undefined && { body }),
        ...(names.some((_name, index) => (values[index] ?? '') === '') && { emptySegment: true }),
      };
    });
}

/** Sends a request exactly as given (the path unnormalised) over loopback. */
function send(
  baseUrl: string,
  request: FuzzRequest,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(request.body !== undefined && { 'content-length': Buffer.byteLength(request.body) }),
        },
        timeout: 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 30 s')));
    outgoing.on('error', reject);
    if (request.body !== undefined) outgoing.write(request.body);
    outgoing.end();
  });
}

const SECURITY_HEADERS: Record<string, RegExp> = {
  'x-request-id': /^[A-Za-z0-9._-]{1,128}$/,
  'x-content-type-options': /^nosniff$/,
  'strict-transport-security': /max-age=\d+/,
  'x-frame-options': /^DENY$/,
};

export interface FuzzResult {
  requests: number;
  statuses: Record<number, number>;
  operations: Record<string, number>;
  findings: FuzzFinding[];
}

/** Draws `runs` requests (deterministically from `seed`), sends them one by one, and checks every answer. */
export async function fuzzApi(target: FuzzTarget, { runs, seed }: { runs: number; seed: number }): Promise<FuzzResult> {
  const { document } = target;
  const ajv = new Ajv2020({ strict: false, allErrors: false, unicodeRegExp: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'api', components: document.components }, 'api');
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (schema: Json): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"api#/components/')) as Json);
      validators.set(key, validate);
    }
    return validate;
  };
  const problem = validatorFor({ $ref: '#/components/schemas/Problem' });

  const operations = operationsOf(document);
  const requests = fc.sample(fc.oneof(...operations.map((operation) => requestFor(target, operation))), {
    numRuns: runs,
    seed,
  });
  const result: FuzzResult = { requests: 0, statuses: {}, operations: {}, findings: [] };
  for (const request of requests) {
    const response = await send(target.baseUrl, request);
    result.requests++;
    result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
    result.operations[request.operation] = (result.operations[request.operation] ?? 0) + 1;
    const operation = operations.find((candidate) => candidate.id === request.operation) as Operation;
    const problems: string[] = [];
    const documented = request.emptySegment ? {} : operation.responses[String(response.status)];
    if (response.status >= 500 && !(response.status === 503 && documented))
      problems.push(`server error ${response.status}`);
    else if (!documented) problems.push(`status ${response.status} is not documented for ${operation.id}`);
    for (const [name, pattern] of Object.entries(SECURITY_HEADERS)) {
      const value = response.headers[name];
      if (typeof value !== 'string' || !pattern.test(value))
        problems.push(`header ${name} missing or wrong: ${String(value)}`);
    }
    const contentType = response.headers['content-type'] ?? '';
    let parsed: unknown;
    if (response.body !== '') {
      try {
        parsed = JSON.parse(response.body);
      } catch {
        parsed = undefined;
      }
    }
    if (response.status >= 400) {
      if (!contentType.startsWith('application/problem+json')) problems.push(`error with content type ${contentType}`);
      if (!problem(parsed)) problems.push(`not a problem document: ${ajv.errorsText(problem.errors)}`);
      const body = parsed as { status?: number; requestId?: string } | undefined;
      if (body?.status !== response.status) problems.push(`problem status ${body?.status} on a ${response.status}`);
      if (body?.requestId !== response.headers['x-request-id'])
        problems.push('problem requestId is not the X-Request-Id');
    } else if (documented && response.status !== 304) {
      const content = documented.content as Record<string, Json> | undefined;
      const json = content?.['application/json']?.schema as Json | undefined;
      if (json) {
        if (!contentType.startsWith('application/json')) problems.push(`success with content type ${contentType}`);
        const validate = validatorFor(json);
        if (!validate(parsed))
          problems.push(`body does not match the documented schema: ${ajv.errorsText(validate.errors)}`);
      }
    } else if (response.status === 304 && response.headers['content-type']) {
      problems.push('304 with a Content-Type');
    }
    if (problems.length > 0)
      result.findings.push({ request, status: response.status, problems, body: response.body.slice(0, 500) });
  }
  return result;
}
