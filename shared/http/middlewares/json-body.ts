import { AppError, type FieldError, ValidationError } from '../../errors';
import { type HttpMiddleware, type HttpRequest, header, stateOf } from '../request-state';

/** At most this many forbidden keys are listed in `errors[]` (a body may hold thousands). */
const MAX_LISTED_KEYS = 20;

const unsupportedMediaType = (received: string | undefined) =>
  new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', {
    detail:
      received === undefined
        ? 'Send the request body with `Content-Type: application/json`.'
        : 'Send the request body as `application/json` (UTF-8, with no charset or `charset=utf-8`).',
  });

const malformedJson = (cause?: unknown) =>
  new AppError(400, 'MALFORMED_JSON', 'Malformed JSON', { detail: 'The request body is not valid JSON.', cause });

/**
 * Whether a Content-Type names plain JSON: the media type `application/json` (RFC 8259, which is
 * UTF-8 only), with no `charset` or `charset=utf-8`. A list of types, another charset and the
 * `+json` family (merge-patch and the like mean something else) are not JSON to these endpoints.
 */
export function isJsonContentType(value: string): boolean {
  if (value.includes(',')) return false;
  const [type = '', ...parameters] = value.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  for (const parameter of parameters) {
    if (parameter.trim() === '') continue;
    const equals = parameter.indexOf('=');
    if (equals <= 0) return false;
    const name = parameter.slice(0, equals).trim().toLowerCase();
    const raw = parameter.slice(equals + 1).trim();
    const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    if (name === 'charset' && unquoted.toLowerCase() !== 'utf-8') return false;
  }
  return true;
}

/** The body as text; bytes that are not UTF-8 are not JSON text (RFC 8259 §8.1). */
function bodyText(body: string, isBase64Encoded: boolean): string {
  if (!isBase64Encoded) return body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(body, 'base64'));
  } catch (error) {
    throw malformedJson(error);
  }
}

/**
 * The paths of keys that could reach an object's prototype if the value were ever merged or
 * spread: `__proto__`, and `constructor` holding a `prototype`. JSON.parse makes them harmless own
 * properties, but refusing them keeps them out of every later copy. Iterative: a 64 KiB body may
 * nest thousands of levels deep.
 */
function forbiddenKeys(root: unknown): FieldError[] {
  const found: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: root, path: [] }];
  while (stack.length > 0 && found.length < MAX_LISTED_KEYS) {
    const { value, path } = stack.pop() as { value: unknown; path: string[] };
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      const reachesPrototype =
        key === '__proto__' ||
        (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype'));
      if (reachesPrototype) found.push({ path: childPath.join('/'), message: 'forbidden key' });
      else stack.push({ value: child, path: childPath });
    }
  }
  return found;
}

/**
 * Parses the JSON body of a route that declares one (docs/contract.md §2, §5.0). The order of the checks:
 * an optional body that was left out is no body at all (whatever the Content-Type); otherwise the
 * Content-Type must be plain JSON (415, also when it is missing); text that is not JSON is 400
 * `MALFORMED_JSON`; JSON that is not an object, or holds a prototype key, is 400
 * `VALIDATION_FAILED`; a required body that is missing is 400 `VALIDATION_FAILED`. The parsed
 * value goes to the request state for schema validation; the event keeps the raw text.
 */
export function jsonBody(options: { optional: boolean }): HttpMiddleware {
  return {
    before: (request: HttpRequest) => {
      const { body, isBase64Encoded } = request.event;
      // serverless-offline sends `null` for no body, API Gateway leaves it out.
      const present = body !== undefined && body !== null && body !== '';
      if (!present && options.optional) return;
      const contentType = header(request.event, 'content-type');
      if (contentType === undefined || !isJsonContentType(contentType)) throw unsupportedMediaType(contentType);
      if (!present) throw new ValidationError([{ path: '', message: 'a JSON object body is required' }]);
      let value: unknown;
      try {
        value = JSON.parse(bodyText(body, isBase64Encoded === true));
      } catch (error) {
        throw error instanceof AppError ? error : malformedJson(error);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ValidationError([{ path: '', message: 'the request body must be a JSON object' }]);
      }
      const forbidden = forbiddenKeys(value);
      if (forbidden.length > 0) throw new ValidationError(forbidden, 'The request body contains a forbidden key.');
      stateOf(request.event).jsonBody = { value };
    },
  };
}
