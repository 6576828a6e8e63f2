import { ensureIssuer, signJwt, tokenClaims } from '../../scripts/local/issuer';

/**
 * Signs customer access tokens with the local issuer, loading its key once (mintToken reads the
 * key files on every call, which adds up over thousands of tokens).
 */
export function customerTokenSigner(issuerDir: string): (sub: string) => string {
  const keys = ensureIssuer(issuerDir);
  return (sub) =>
    signJwt(
      { alg: 'RS256', typ: 'JWT', kid: keys.kid },
      tokenClaims({ sub, role: 'customer' }, Math.floor(Date.now() / 1000)),
      { privateKey: keys.privateKey },
    );
}
