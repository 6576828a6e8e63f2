import type { TokenVerifier } from '../../auth/token-verifier';
import { ForbiddenError, ServiceUnavailableError, UnauthenticatedError } from '../../errors';
import { logger } from '../../observability';
import { type HttpMiddleware, type HttpRequest, header, stateOf } from '../request-state';
import type { Role } from '../route-spec';

const BEARER = /^Bearer ([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*\.[A-Za-z0-9\-_=+/]*)$/;

/**
 * Verifies the bearer token for non-public routes: no or bad token → 401 with
 * `WWW-Authenticate: Bearer`, a valid token without the role → 403. A public route with
 * `optional` takes the principal of a valid token and stays anonymous otherwise.
 */
export function authenticate(
  role: Role,
  verifier: () => TokenVerifier,
  options: { optional?: boolean } = {},
): HttpMiddleware {
  return {
    before: async (request: HttpRequest) => {
      if (role === 'public') {
        if (options.optional) await identifyIfPossible(request, verifier);
        return;
      }
      const authorization = header(request.event, 'authorization');
      if (!authorization) throw new UnauthenticatedError('An `Authorization: Bearer <token>` header is required.');
      const match = BEARER.exec(authorization.trim());
      if (!match?.[1]) throw new UnauthenticatedError('The Authorization header must be `Bearer <token>`.');
      const principal = await verifier().verify(match[1]);
      if (role === 'admin' && !principal.isAdmin) throw new ForbiddenError('This operation is for administrators.');
      stateOf(request.event).principal = principal;
      logger.appendKeys({ principal: principal.sub });
    },
  };
}

/** The principal of a valid bearer token, if one was sent; a bad or unverifiable one is ignored. */
async function identifyIfPossible(request: HttpRequest, verifier: () => TokenVerifier): Promise<void> {
  const authorization = header(request.event, 'authorization');
  const token = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
  if (!token) return;
  try {
    const principal = await verifier().verify(token);
    stateOf(request.event).principal = principal;
    logger.appendKeys({ principal: principal.sub });
  } catch (error) {
    if (!(error instanceof UnauthenticatedError || error instanceof ServiceUnavailableError)) throw error;
    logger.debug('bearer token on a public route not used', { reason: (error as Error).message });
  }
}
