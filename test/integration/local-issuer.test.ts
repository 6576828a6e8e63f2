import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import {
  DEFAULT_LOCAL_CLIENT_ID,
  DEFAULT_LOCAL_ISSUER,
  decodeJwt,
  ensureIssuer,
  mintToken,
  signJwt,
  tamperPayload,
} from '../../scripts/local/issuer';
import { createLocalUserDirectory } from '../../shared/adapters/identity/local-user-directory';
import { parseConfig } from '../../shared/config';

/** The local issuer's tokens, checked with the same library the functions verify tokens with. */
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cartwheel-issuer-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verifier = (tokenUse: 'access' | 'id') =>
  JwtRsaVerifier.create({
    issuer: DEFAULT_LOCAL_ISSUER,
    audience: tokenUse === 'id' ? DEFAULT_LOCAL_CLIENT_ID : null,
    jwksUri: 'https://local.cartwheel.invalid/jwks.json',
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== tokenUse) throw new Error('wrong token_use');
    },
  });

function trusting(tokenUse: 'access' | 'id') {
  const v = verifier(tokenUse);
  v.cacheJwks(JSON.parse(readFileSync(path.join(dir, 'jwks.json'), 'utf8')));
  return v;
}

test('the issuer defaults are the ones the functions expect', () => {
  const config = parseConfig({
    TABLE_NAME: 't',
    AUTH_MODE: 'local',
    LOCAL_ISSUER_DIR: dir,
    PAYMENT_QUEUE_URL: 'http://127.0.0.1/q',
    FULFILMENT_QUEUE_URL: 'http://127.0.0.1/q',
    NOTIFICATION_QUEUE_URL: 'http://127.0.0.1/q',
    ERASURE_QUEUE_URL: 'http://127.0.0.1/q',
    WEBHOOK_QUEUE_URL: 'http://127.0.0.1/q',
  });

  expect(config.auth).toMatchObject({ issuer: DEFAULT_LOCAL_ISSUER, clientId: DEFAULT_LOCAL_CLIENT_ID });
});

test('the key pair is created once, with a private key only its owner can read', () => {
  const first = ensureIssuer(dir);
  const again = ensureIssuer(dir);

  expect(again.kid).toBe(first.kid);
  expect(statSync(path.join(dir, 'private.pem')).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(path.join(dir, 'jwks.json'), 'utf8'))).toEqual({
    keys: [{ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: first.kid, alg: 'RS256', use: 'sig' }],
  });
});

test('an admin access token verifies and carries Cognito’s claims, and no e-mail address (Cognito’s carry none)', async () => {
  const token = mintToken({ dir, sub: 'alice', role: 'admin', email: 'alice@example.com' });

  const payload = await trusting('access').verify(token);

  expect(payload).toMatchObject({
    sub: 'alice',
    iss: DEFAULT_LOCAL_ISSUER,
    client_id: DEFAULT_LOCAL_CLIENT_ID,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    username: 'alice',
    'cognito:groups': ['admin'],
  });
  expect(payload).not.toHaveProperty('email');
  expect(payload).not.toHaveProperty('email_verified');
  expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
});

test('a token minted with an e-mail records it in the user directory the functions look addresses up in', async () => {
  const directory = createLocalUserDirectory(dir);
  mintToken({ dir, sub: 'erin', role: 'customer', email: 'erin@example.com' });
  mintToken({ dir, sub: 'frank', role: 'customer', email: 'frank@example.com', emailVerified: false });

  expect(await directory.emailOf({ sub: 'erin', accessToken: 'unused' })).toEqual({
    email: 'erin@example.com',
    verified: true,
  });
  expect(await directory.emailOf({ sub: 'frank', accessToken: 'unused' })).toEqual({
    email: 'frank@example.com',
    verified: false,
  });
  // A user nobody recorded is like a Cognito user without an e-mail.
  expect(await directory.emailOf({ sub: 'nobody', accessToken: 'unused' })).toEqual({ email: null, verified: false });
  // A token without an e-mail leaves the recorded address as it was; another one replaces it.
  mintToken({ dir, sub: 'erin', role: 'customer' });
  expect((await directory.emailOf({ sub: 'erin', accessToken: 'unused' })).email).toBe('erin@example.com');
  mintToken({ dir, sub: 'erin', role: 'customer', email: 'erin@example.org' });
  expect((await directory.emailOf({ sub: 'erin', accessToken: 'unused' })).email).toBe('erin@example.org');
});

test('an id token has the client as audience and no groups for a customer', async () => {
  const token = mintToken({ dir, sub: 'bob', role: 'customer', tokenUse: 'id' });

  const payload = await trusting('id').verify(token);

  expect(payload).toMatchObject({
    aud: DEFAULT_LOCAL_CLIENT_ID,
    token_use: 'id',
    'cognito:groups': [],
    email: 'bob@example.com',
    email_verified: true,
  });
});

test('a negative lifetime gives a token that has already expired', async () => {
  const token = mintToken({ dir, sub: 'carol', role: 'customer', expiresInSeconds: -60 });

  await expect(trusting('access').verify(token)).rejects.toThrow(/expired/i);
  expect(decodeJwt(token).payload.iat).toBeLessThan(decodeJwt(token).payload.exp as number);
});

test('a token that is not valid yet is refused', async () => {
  const token = mintToken({ dir, sub: 'dave', role: 'customer', notBeforeSeconds: 600 });

  await expect(trusting('access').verify(token)).rejects.toThrow(/not valid yet|before/i);
});

test.each([
  [
    'a tampered payload',
    () => tamperPayload(mintToken({ dir, sub: 'eve', role: 'customer' }), { 'cognito:groups': ['admin'] }),
  ],
  [
    'alg none',
    () => {
      const { header, payload } = decodeJwt(mintToken({ dir, sub: 'eve', role: 'admin' }));
      return signJwt({ ...header, alg: 'none' }, payload, {});
    },
  ],
  [
    'HS256 keyed with the public key',
    () => {
      const { header, payload } = decodeJwt(mintToken({ dir, sub: 'eve', role: 'admin' }));
      return signJwt({ ...header, alg: 'HS256' }, payload, { hmacSecret: ensureIssuer(dir).publicKeyPem });
    },
  ],
  ['an unknown key id', () => mintToken({ dir, sub: 'eve', role: 'admin', kid: 'unknown-key' })],
])('a forged token (%s) does not verify', async (_name, forge) => {
  await expect(trusting('access').verify(forge())).rejects.toThrow();
});
