import type { Principal } from '../../auth/principal';
import type { TokenVerifier } from '../../auth/token-verifier';
import { ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../../errors';
import { logger } from '../../observability';
import { type HttpMiddleware, type HttpRequest, header, stateOf } from '../request-state';
import type { Role } from '../route-spec';

// RFC 9110 §11.1: the scheme is case-insensitive (`bearer`, `BEARER`), one or more spaces follow it.
const BEARER = /^Bearer +([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*\.[A-Za-z0-9\-_=+/]*)$/i;

/** The token of an `Authorization: Bearer <token>` header: undefined when there is none, null when malformed. */
function bearerToken(request: HttpRequest): string | null | undefined {
  const authorization = header(request.event, 'authorization');
  if (!authorization) return undefined;
  return BEARER.exec(authorization.trim())?.[1] ?? null;
}

/** The caller, for the handler and the rest of the chain (and in every log line after this one). */
function identify(request: HttpRequest, principal: Principal): void {
  stateOf(request.event).principal = principal;
  logger.appendKeys({ principal: principal.sub });
}

/**
 * Verifies the bearer token for non-public routes: no or bad token → 401 with
 * `WWW-Authenticate: Bearer`, a valid token without the role → 403. A public route with
 * `optional` takes the principal of a valid token and stays anonymous otherwise.
 */
export function authenticate(
  role: Role,
  verifier: () => TokenVerifier,
  options: {
    optional?: boolean;
    /**
     * Runs before a 401 is answered, and may throw instead (a 429): requests without a valid token
     * count against their client address, so a flood of bad tokens meets the per-address limit.
     */
    beforeUnauthenticated?: (request: HttpRequest) => Promise<void>;
  } = {},
): HttpMiddleware {
  const refuse = async (request: HttpRequest, error: UnauthenticatedError): Promise<never> => {
    await options.beforeUnauthenticated?.(request);
    throw error;
  };
  return {
    before: async (request: HttpRequest) => {
      if (role === 'public') {
        if (options.optional) await identifyIfPossible(request, verifier);
        return;
      }
      const token = bearerToken(request);
      if (token === undefined)
        return refuse(request, new UnauthenticatedError('An `Authorization: Bearer <token>` header is required.'));
      if (token === null)
        return refuse(request, new UnauthenticatedError('The Authorization header must be `Bearer <token>`.'));
      let principal: Principal;
      try {
        principal = await verifier().verify(token);
      } catch (error) {
        if (error instanceof UnauthenticatedError) return refuse(request, error);
        throw error;
      }
      if (role === 'admin' && !principal.isAdmin) throw new ForbiddenError('This operation is for administrators.');
      identify(request, principal);
    },
  };
}

/** The principal of a valid bearer token, if one was sent; a bad or unverifiable one is ignored. */
async function identifyIfPossible(request: HttpRequest, verifier: () => TokenVerifier): Promise<void> {
  const token = bearerToken(request);
  if (!token) return;
  try {
    identify(request, await verifier().verify(token));
  } catch (error) {
    if (!(error instanceof UnauthenticatedError || error instanceof ServiceUnavailableError)) throw error;
    logger.debug('bearer token on a public route not used', { reason: (error as Error).message });
  }
}
