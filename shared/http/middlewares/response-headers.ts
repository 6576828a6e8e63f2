import { config } from '../../config';
import { type HttpMiddleware, type HttpRequest, header } from '../request-state';

export const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Retry-After',
  'RateLimit-Policy',
  'X-Request-Id',
  'WWW-Authenticate',
  'Allow',
];
export const ALLOWED_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'If-None-Match',
  'X-Request-Id',
];

/**
 * The CORS response headers for a request's Origin, if that origin is allowed by configuration.
 * Once any origin is configured, every answer depends on the Origin header (an allowed one gets
 * the CORS headers, any other does not), so every answer says `Vary: Origin`: a shared cache must
 * never hand one origin's copy, with or without CORS headers, to another.
 */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  return corsHeadersFor(origin, config().corsAllowedOrigins);
}

/** `corsHeaders` for a given list of allowed origins (the local web server has no configuration of ours). */
export function corsHeadersFor(origin: string | undefined, allowed: readonly string[]): Record<string, string> {
  if (allowed.length === 0) return {};
  if (!origin || !allowed.includes(origin)) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
    Vary: 'Origin',
  };
}

/**
 * The answer to a CORS preflight for a path that takes `methods`: the CORS headers, and what may
 * be sent, for an allowed origin; only `Allow` (and `Vary`) for any other.
 */
export function preflightHeaders(
  origin: string | undefined,
  methods: readonly string[],
  allowed: readonly string[],
): Record<string, string> {
  const cors = corsHeadersFor(origin, allowed);
  return {
    ...cors,
    ...(cors['Access-Control-Allow-Origin']
      ? {
          'Access-Control-Allow-Methods': methods.join(', '),
          'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS.join(', '),
          'Access-Control-Max-Age': '600',
        }
      : {}),
    Allow: [...methods, 'OPTIONS'].join(', '),
  };
}

const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The security headers of every answer (docs/contract.md §2). */
export const securityHeaders = (contentSecurityPolicy = DEFAULT_CSP): Record<string, string> => ({
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': contentSecurityPolicy,
  'Referrer-Policy': 'no-referrer',
});

/** Adds `Origin` to a `Vary` list a route may have set already (once, whatever its case). */
function varyWith(existing: string | undefined, name: string): string {
  if (!existing) return name;
  const names = existing.split(',').map((part) => part.trim().toLowerCase());
  return names.includes('*') || names.includes(name.toLowerCase()) ? existing : `${existing}, ${name}`;
}

/**
 * Security headers on every response, CORS for allowed origins, the request limit's
 * `RateLimit-Policy` on limited routes, and `Cache-Control: no-store` unless the route chose a
 * public cache policy (personal data must never be cached).
 */
export function responseHeaders(
  options: { contentSecurityPolicy?: string; rateLimitPolicy?: () => string } = {},
): HttpMiddleware {
  const security = securityHeaders(options.contentSecurityPolicy);
  const apply = (request: HttpRequest) => {
    const response = request.response;
    if (!response) return;
    const { Vary: vary, ...cors } = corsHeaders(header(request.event, 'origin'));
    const routeVary = response.headers?.Vary;
    response.headers = {
      'Cache-Control': 'no-store',
      ...response.headers,
      ...cors,
      ...(vary ? { Vary: varyWith(routeVary, vary) } : {}),
      ...(options.rateLimitPolicy ? { 'RateLimit-Policy': options.rateLimitPolicy() } : {}),
      ...security,
    };
  };
  return { after: apply, onError: apply };
}
