import { config } from '../../config';
import { type HttpMiddleware, type HttpRequest, header } from '../request-state';

export const EXPOSED_HEADERS = ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'WWW-Authenticate', 'Allow'];
export const ALLOWED_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'If-None-Match',
  'X-Request-Id',
];

/** The CORS response headers for a request's Origin, if that origin is allowed by configuration. */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin || !config().corsAllowedOrigins.includes(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': EXPOSED_HEADERS.join(', '),
    Vary: 'Origin',
  };
}

/**
 * Security headers on every response, CORS for allowed origins, and `Cache-Control: no-store`
 * unless the route chose a public cache policy (personal data must never be cached).
 */
export function responseHeaders(options: { contentSecurityPolicy?: string } = {}): HttpMiddleware {
  const csp = options.contentSecurityPolicy ?? "default-src 'none'; frame-ancestors 'none'";
  const apply = (request: HttpRequest) => {
    const response = request.response;
    if (!response) return;
    response.headers = {
      'Cache-Control': 'no-store',
      ...response.headers,
      ...corsHeaders(header(request.event, 'origin')),
      'X-Content-Type-Options': 'nosniff',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': csp,
      'Referrer-Policy': 'no-referrer',
    };
  };
  return { after: apply, onError: apply };
}
