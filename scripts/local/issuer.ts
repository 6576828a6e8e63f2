import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { recordLocalUser } from '../../shared/adapters/identity/local-user-directory';

/**
 * The local token issuer: an RSA key pair on disk that stands in for Cognito, so that locally
 * signed tokens go through the same verification (aws-jwt-verify against a JWKS) as in AWS.
 */

/** Must equal the defaults of LOCAL_ISSUER and LOCAL_CLIENT_ID in shared/config.ts (a unit test checks). */
export const DEFAULT_LOCAL_ISSUER = 'https://local.cartwheel.invalid/issuer';
export const DEFAULT_LOCAL_CLIENT_ID = 'cartwheel-local';

export interface Jwk {
  kty: string;
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

export interface IssuerKeys {
  privateKey: KeyObject;
  /** SPKI PEM of the public key (tests use it to forge HS256 tokens "signed" with it). */
  publicKeyPem: string;
  jwks: { keys: Jwk[] };
  kid: string;
}

/**
 * Makes sure `dir` holds a key pair (`private.pem`, mode 0600) and its public `jwks.json`,
 * generating them on first use. The JWKS is always derived from the private key, so the two
 * cannot drift apart.
 */
export function ensureIssuer(dir: string): IssuerKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const privatePath = path.join(dir, 'private.pem');
  let privatePem: string;
  try {
    privatePem = readFileSync(privatePath, 'utf8');
  } catch {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      // 'wx': if another process created the key meanwhile, keep theirs.
      writeFileSync(privatePath, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(privatePath, 0o600); // in case the umask widened it
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    privatePem = readFileSync(privatePath, 'utf8');
  }
  const keys = keysFromPrivatePem(privatePem);
  const jwksPath = path.join(dir, 'jwks.json');
  const jwksJson = `${JSON.stringify(keys.jwks, null, 2)}\n`;
  let current: string | undefined;
  try {
    current = readFileSync(jwksPath, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== jwksJson) {
    const partial = `${jwksPath}.${process.pid}.tmp`;
    writeFileSync(partial, jwksJson);
    renameSync(partial, jwksPath);
  }
  return keys;
}

/** Reads an existing issuer without creating anything. */
export function readIssuer(dir: string): IssuerKeys {
  return keysFromPrivatePem(readFileSync(path.join(dir, 'private.pem'), 'utf8'));
}

function keysFromPrivatePem(pem: string): IssuerKeys {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const { n, e, kty } = publicKey.export({ format: 'jwk' });
  if (!n || !e || kty !== 'RSA') throw new Error('the issuer key is not an RSA key');
  // RFC 7638 thumbprint: stable across restarts, changes when the key does.
  const kid = createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwks: { keys: [{ kty, n, e, kid, alg: 'RS256', use: 'sig' }] },
    kid,
  };
}

export type Role = 'customer' | 'admin';
export type TokenUse = 'access' | 'id';

export interface MintOptions {
  /** The issuer directory (see {@link ensureIssuer}). */
  dir: string;
  sub: string;
  role: Role;
  /**
   * The user's e-mail address: recorded in the issuer's user directory (what the functions look it
   * up in, as Cognito's GetUser in AWS) and put in ID tokens. Access tokens never carry it, as in
   * Cognito. Without it, the directory keeps whatever it held for the user.
   */
  email?: string;
  /** Whether `email` counts as verified (Cognito's `email_verified`). Default true. */
  emailVerified?: boolean;
  /** Lifetime; negative means it expired that many seconds ago. Default 3600. */
  expiresInSeconds?: number;
  /** Adds `nbf` this many seconds from now (a token not valid yet, when positive). */
  notBeforeSeconds?: number;
  tokenUse?: TokenUse;
  issuer?: string;
  clientId?: string;
  /** Overrides the key id in the header (tests: a kid the JWKS does not know). */
  kid?: string;
}

/**
 * Signs a token shaped like a Cognito access or id token with the local issuer's key; with an
 * `email`, first records it as the user's address in the issuer's user directory.
 */
export function mintToken(options: MintOptions): string {
  const keys = ensureIssuer(options.dir);
  if (options.email !== undefined)
    recordLocalUser(options.dir, {
      sub: options.sub,
      email: options.email,
      emailVerified: options.emailVerified ?? true,
    });
  return signJwt(
    { alg: 'RS256', typ: 'JWT', kid: options.kid ?? keys.kid },
    tokenClaims(options, Math.floor(Date.now() / 1000)),
    { privateKey: keys.privateKey },
  );
}

/**
 * The claims of a token, shaped like Cognito's; `now` in seconds since the epoch. As in Cognito, an
 * access token says who and in which groups, never the e-mail address; an ID token carries `email`
 * and `email_verified`.
 */
export function tokenClaims(options: Omit<MintOptions, 'dir' | 'kid'>, now: number): Record<string, unknown> {
  const expiresIn = options.expiresInSeconds ?? 3600;
  const exp = now + expiresIn;
  // An expired token was issued before it expired, as a real one would have been.
  const iat = expiresIn > 0 ? now : exp - 3600;
  const groups = options.role === 'admin' ? ['admin'] : [];
  const common = {
    sub: options.sub,
    iss: options.issuer ?? DEFAULT_LOCAL_ISSUER,
    'cognito:groups': groups,
    auth_time: iat,
    iat,
    exp,
    jti: randomUUID(),
    ...(options.notBeforeSeconds !== undefined && { nbf: now + options.notBeforeSeconds }),
  };
  if ((options.tokenUse ?? 'access') === 'id') {
    return {
      ...common,
      aud: options.clientId ?? DEFAULT_LOCAL_CLIENT_ID,
      token_use: 'id',
      email: options.email ?? `${options.sub}@example.com`,
      email_verified: options.emailVerified ?? true,
    };
  }
  return {
    ...common,
    client_id: options.clientId ?? DEFAULT_LOCAL_CLIENT_ID,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    username: options.sub,
  };
}

export interface SigningKeys {
  /** For RS256. */
  privateKey?: KeyObject | string;
  /** For HS256 (forged tokens: e.g. the issuer's public key PEM used as an HMAC secret). */
  hmacSecret?: string | Buffer;
}

/**
 * Signs any header and payload, following `header.alg`: RS256, HS256, or `none` (empty signature).
 * Tests use it to forge tokens that a verifier must reject.
 */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, keys: SigningKeys): string {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  switch (header.alg) {
    case 'RS256': {
      if (!keys.privateKey) throw new Error('RS256 needs a private key');
      return `${signingInput}.${sign('sha256', Buffer.from(signingInput), keys.privateKey).toString('base64url')}`;
    }
    case 'HS256': {
      if (keys.hmacSecret === undefined) throw new Error('HS256 needs an HMAC secret');
      return `${signingInput}.${createHmac('sha256', keys.hmacSecret).update(signingInput).digest('base64url')}`;
    }
    case 'none':
      return `${signingInput}.`;
    default:
      throw new Error(`signJwt does not support alg ${String(header.alg)}`);
  }
}

/** Splits a token into its decoded header and payload (no verification). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  if (header === undefined || payload === undefined) throw new Error('not a JWT');
  return { header: decodeSegment(header), payload: decodeSegment(payload) };
}

/** The same token with its payload changed and its original signature kept (which must no longer verify). */
export function tamperPayload(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error('not a JWT');
  return `${header}.${encodeSegment({ ...decodeSegment(payload), ...changes })}.${signature}`;
}

function encodeSegment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}
