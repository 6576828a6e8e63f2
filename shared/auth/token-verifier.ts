import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { FetchError, JwksNotAvailableInCacheError, JwtBaseError } from 'aws-jwt-verify/error';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { AuthConfig } from '../config';
import { ServiceUnavailableError, UnauthenticatedError } from '../errors';
import { type Principal, principalFromClaims } from './principal';

/** Verifies a bearer token and returns the caller, or throws 401 (bad token) / 503 (keys unreachable). */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const GRACE_SECONDS = 5;

class JwksUnavailableError extends Error {}

/** Maps aws-jwt-verify failures: key-set trouble is ours (503), everything else is the token's (401). */
export function translateVerifyError(error: unknown): Error {
  if (error instanceof UnauthenticatedError || error instanceof ServiceUnavailableError) return error;
  // FetchError covers every failure to reach the JWKS endpoint (refused, timed out, non-200).
  if (
    error instanceof JwksUnavailableError ||
    error instanceof FetchError ||
    error instanceof JwksNotAvailableInCacheError
  ) {
    return new ServiceUnavailableError('The token signing keys cannot be loaded right now.', error);
  }
  if (error instanceof JwtBaseError) return new UnauthenticatedError('The bearer token is not valid.', error);
  return error instanceof Error ? error : new Error(String(error));
}

function wrap(verify: (token: string) => Promise<Record<string, unknown>>): TokenVerifier {
  return {
    async verify(token) {
      try {
        return principalFromClaims(await verify(token), token);
      } catch (error) {
        throw translateVerifyError(error);
      }
    },
  };
}

/** Cognito user pool access tokens (`token_use=access`, `client_id` checked). */
export function cognitoTokenVerifier(userPoolId: string, clientId: string): TokenVerifier {
  const verifier = CognitoJwtVerifier.create({ userPoolId, clientId, tokenUse: 'access', graceSeconds: GRACE_SECONDS });
  return wrap((token) => verifier.verify(token) as Promise<Record<string, unknown>>);
}

/**
 * The local issuer: same claim shape as Cognito, keys from `<issuerDir>/jwks.json`. The key set is
 * read from disk (cacheJwks at start, re-read for an unknown kid): no network is ever involved.
 */
export function localTokenVerifier(options: {
  issuer: string;
  clientId: string;
  issuerDir: string;
  /** Where the key set comes from; defaults to the issuer directory's jwks.json. */
  loadJwks?: () => Promise<string>;
}): TokenVerifier {
  const jwksPath = join(options.issuerDir, 'jwks.json');
  const load = options.loadJwks ?? (() => readFile(jwksPath, 'utf8'));
  const fetcher = {
    async fetch(): Promise<ArrayBuffer> {
      try {
        const text = await load();
        return new TextEncoder().encode(text).buffer as ArrayBuffer;
      } catch (error) {
        throw new JwksUnavailableError(`cannot read the local issuer's key set: ${String(error)}`);
      }
    },
  };
  const verifier = JwtRsaVerifier.create(
    {
      issuer: options.issuer,
      audience: null,
      jwksUri: `file://${jwksPath}`,
      graceSeconds: GRACE_SECONDS,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new UnauthenticatedError('An access token is required.');
        if (payload.client_id !== options.clientId)
          throw new UnauthenticatedError('The token was issued to another client.');
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  let primed: Promise<void> | undefined;
  const prime = () => {
    primed ??= load()
      .then((text) => verifier.cacheJwks(JSON.parse(text) as Jwks))
      .catch(() => {
        primed = undefined; // the fetcher path reports the failure (503) and we try again next time
      });
    return primed;
  };
  return wrap(async (token) => {
    await prime();
    return (await verifier.verify(token)) as Record<string, unknown>;
  });
}

/** The verifier for the configured auth mode. */
export function createTokenVerifier(auth: AuthConfig): TokenVerifier {
  return auth.mode === 'local'
    ? localTokenVerifier({ issuer: auth.issuer, clientId: auth.clientId, issuerDir: auth.issuerDir })
    : cognitoTokenVerifier(auth.userPoolId, auth.clientId);
}
