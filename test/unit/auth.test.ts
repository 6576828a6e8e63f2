import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { handler as createProduct } from '../../functions/http/create-product';
import { decodeJwt, type MintOptions, mintToken, signJwt, tamperPayload } from '../../scripts/local/issuer';
import { localTokenVerifier, translateVerifyError } from '../../shared/auth/token-verifier';
import { AppError } from '../../shared/errors';
import { invoke } from '../support/http-event';

const dir = process.env.LOCAL_ISSUER_DIR as string;
const token = (options: Partial<MintOptions> = {}) => mintToken({ dir, sub: 'alice', role: 'admin', ...options });

/** An admin route whose auth check runs before anything touches the database. */
const callAdminRoute = (authorization?: string) =>
  invoke(createProduct, {
    method: 'POST',
    path: '/v1/products',
    headers: authorization === undefined ? {} : { Authorization: authorization },
    body: { sku: 'lower case is invalid', name: 'x', price: 1, category: 'Kitchen' },
  });

describe('bearer authentication', () => {
  it('lets a valid admin access token through to validation', async () => {
    const res = await callAdminRoute(`Bearer ${token()}`);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
  });

  it('answers 403 FORBIDDEN to a valid customer token on an admin route', async () => {
    const res = await callAdminRoute(`Bearer ${token({ role: 'customer' })}`);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('FORBIDDEN');
  });

  const publicKeyPem = () => {
    const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8'));
    const { createPublicKey } = require('node:crypto') as typeof import('node:crypto');
    return createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
  };

  const cases: Array<[string, () => string]> = [
    ['no Authorization header', () => ''],
    ['a header without the Bearer scheme', () => token()],
    ['the Basic scheme', () => `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['garbage', () => 'Bearer not-a-jwt'],
    ['an expired token', () => `Bearer ${token({ expiresInSeconds: -60 })}`],
    ['a token that is not valid yet', () => `Bearer ${token({ notBeforeSeconds: 600 })}`],
    ['a token of another issuer', () => `Bearer ${token({ issuer: 'https://evil.example/issuer' })}`],
    ['a token for another client', () => `Bearer ${token({ clientId: 'someone-else' })}`],
    ['an id token instead of an access token', () => `Bearer ${token({ tokenUse: 'id' })}`],
    [
      'a tampered payload',
      () => `Bearer ${tamperPayload(token({ role: 'customer' }), { 'cognito:groups': ['admin'] })}`,
    ],
    [
      'alg none',
      () => {
        const { header, payload } = decodeJwt(token());
        return `Bearer ${signJwt({ ...header, alg: 'none' }, payload, {})}`;
      },
    ],
    [
      'HS256 signed with the public key',
      () => {
        const { header, payload } = decodeJwt(token());
        return `Bearer ${signJwt({ ...header, alg: 'HS256' }, payload, { hmacSecret: publicKeyPem() })}`;
      },
    ],
    ['an unknown kid', () => `Bearer ${token({ kid: 'not-a-known-key' })}`],
  ];

  it.each(cases)('answers 401 UNAUTHENTICATED with WWW-Authenticate to %s', async (_name, authorization) => {
    const value = authorization();
    const res = await callAdminRoute(value === '' ? undefined : value);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.headers['content-type']).toBe('application/problem+json');
  });
});

describe('key set availability', () => {
  it('answers 503 when the local key set cannot be read', async () => {
    const verifier = localTokenVerifier({
      issuer: 'https://local.cartwheel.invalid/issuer',
      clientId: 'cartwheel-local',
      issuerDir: join(dir, 'missing'),
    });
    await expect(verifier.verify(token())).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it('maps a JWKS endpoint that cannot be reached to 503, not 401', async () => {
    // A loopback port that was free a moment ago: the fetch fails like an unreachable Cognito JWKS.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const verifier = JwtRsaVerifier.create({
      issuer: 'https://local.cartwheel.invalid/issuer',
      audience: null,
      jwksUri: `https://127.0.0.1:${port}/jwks.json`,
    });
    const error = await verifier.verify(token()).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const translated = translateVerifyError(error);
    expect(translated).toBeInstanceOf(AppError);
    expect((translated as AppError).status).toBe(503);
  });
});
