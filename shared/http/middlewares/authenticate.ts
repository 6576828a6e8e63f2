import type { TokenVerifier } from '../../auth/token-verifier';
import { ForbiddenError, UnauthenticatedError } from '../../errors';
import { logger } from '../../observability';
import { type HttpMiddleware, type HttpRequest, header, stateOf } from '../request-state';
import type { Role } from '../route-spec';

const BEARER = /^Bearer ([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*\.[A-Za-z0-9\-_=+/]*)$/;

/**
 * Verifies the bearer token for non-public routes: no or bad token → 401 with
 * `WWW-Authenticate: Bearer`, a valid token without the role → 403.
 */
export function authenticate(role: Role, verifier: () => TokenVerifier): HttpMiddleware {
  return {
    before: async (request: HttpRequest) => {
      if (role === 'public') return;
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
