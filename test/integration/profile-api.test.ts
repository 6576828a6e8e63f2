import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as getProfile } from '../../functions/http/get-profile';
import { handler as updateProfile } from '../../functions/http/update-profile';
import {
  DEFAULT_LOCAL_CLIENT_ID,
  DEFAULT_LOCAL_ISSUER,
  decodeJwt,
  mintToken,
  readIssuer,
  signJwt,
} from '../../scripts/local/issuer';
import { keys } from '../../shared/adapters/dynamo/keys';
import { invoke } from '../support/http-event';
import { adminToken, tableName, testDocumentClient } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

const newSub = () => `cust-${randomBytes(5).toString('hex')}`;
const issuerDir = () => process.env.LOCAL_ISSUER_DIR as string;
/** A customer's access token; with `email`, the sign-in account's address is recorded (verified unless told). */
const tokenFor = (sub: string, email?: string, emailVerified = true) =>
  mintToken({ dir: issuerDir(), sub, role: 'customer', email, emailVerified });

const getMe = (token: string) => invoke(getProfile, { method: 'GET', path: '/v1/me', token });
const putMe = (token: string, body: unknown) => invoke(updateProfile, { method: 'PUT', path: '/v1/me', token, body });
const storedProfile = async (sub: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: keys.profile(sub), ConsistentRead: true }))).Item;

const home = { name: 'Ada Lovelace', line1: '12 St James’s Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' };

describe('GET and PUT /v1/me against DynamoDB Local', () => {
  it('creates the profile on first use with the account’s verified e-mail, which the access token does not carry', async () => {
    const sub = newSub();
    const token = tokenFor(sub, 'ada@example.com');
    expect(decodeJwt(token).payload).not.toHaveProperty('email');
    const res = await getMe(token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({ sub, email: 'ada@example.com', emailVerified: true, name: null, defaultAddress: null });
    expect(await storedProfile(sub)).toMatchObject({ sub, email: null, verifiedEmail: 'ada@example.com', name: null });
  });

  it('starts with a null e-mail when the account has none', async () => {
    const sub = newSub();
    expect((await getMe(tokenFor(sub))).json).toEqual({
      sub,
      email: null,
      emailVerified: false,
      name: null,
      defaultAddress: null,
    });
  });

  it('does not take an account address that is not verified', async () => {
    const sub = newSub();
    const res = await getMe(tokenFor(sub, 'unproven@example.com', false));
    expect(res.json).toMatchObject({ email: null, emailVerified: false });
    expect(await storedProfile(sub)).toMatchObject({ verifiedEmail: null });
  });

  it('ignores an `email` claim in an access token: only the account’s verified address counts', async () => {
    const sub = newSub();
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub,
      iss: DEFAULT_LOCAL_ISSUER,
      client_id: DEFAULT_LOCAL_CLIENT_ID,
      token_use: 'access',
      'cognito:groups': [],
      iat: now,
      exp: now + 600,
      email: 'victim@example.org',
      email_verified: true,
    };
    const keys = readIssuer(issuerDir());
    const token = signJwt({ alg: 'RS256', typ: 'JWT', kid: keys.kid }, claims, { privateKey: keys.privateKey });
    const res = await getMe(token);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ email: null, emailVerified: false });
  });

  it('when several first GETs race, creates one profile and every one of them answers with it', async () => {
    const sub = newSub();
    const token = tokenFor(sub, 'racer@example.com');
    const responses = await Promise.all(Array.from({ length: 10 }, () => getMe(token)));
    expect(responses.map((res) => res.status)).toEqual(Array(10).fill(200));
    expect(await storedProfile(sub)).toMatchObject({ verifiedEmail: 'racer@example.com' });
    for (const res of responses)
      expect(res.json).toEqual({
        sub,
        email: 'racer@example.com',
        emailVerified: true,
        name: null,
        defaultAddress: null,
      });
  });

  it('shows an address set with PUT as not verified; the verified one stays the account’s', async () => {
    const sub = newSub();
    const token = tokenFor(sub, 'ada@example.com');
    const res = await putMe(token, { email: 'stranger@example.org' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ email: 'stranger@example.org', emailVerified: false });
    expect((await getMe(token)).json).toMatchObject({ email: 'stranger@example.org', emailVerified: false });
    expect(await storedProfile(sub)).toMatchObject({ email: 'stranger@example.org', verifiedEmail: 'ada@example.com' });
    // Cleared, the profile shows the verified address again.
    expect((await putMe(token, { email: null })).json).toMatchObject({ email: 'ada@example.com', emailVerified: true });
  });

  it('takes the account’s new verified address at the next PUT', async () => {
    const sub = newSub();
    await getMe(tokenFor(sub, 'old@example.com'));
    const res = await putMe(tokenFor(sub, 'new@example.com'), { name: 'Ada' });
    expect(res.json).toMatchObject({ email: 'new@example.com', emailVerified: true, name: 'Ada' });
  });

  it('changes name, e-mail and default address; line2 defaults to null and the country is upper-cased', async () => {
    const sub = newSub();
    const token = tokenFor(sub, 'old@example.com');
    await getMe(token);
    const res = await putMe(token, { name: 'Ada', email: 'ada@example.org', defaultAddress: home });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const expected = {
      sub,
      email: 'ada@example.org',
      emailVerified: false,
      name: 'Ada',
      defaultAddress: { ...home, line2: null, country: 'GB' },
    };
    expect(res.json).toEqual(expected);
    expect((await getMe(token)).json).toEqual(expected);
  });

  it('creates the profile when a PUT comes before any GET', async () => {
    const sub = newSub();
    const res = await putMe(tokenFor(sub, 'grace@example.com'), { name: 'Grace' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      sub,
      email: 'grace@example.com',
      emailVerified: true,
      name: 'Grace',
      defaultAddress: null,
    });
    expect(await storedProfile(sub)).toMatchObject({ name: 'Grace', verifiedEmail: 'grace@example.com' });
  });

  it('keeps the fields a PUT does not mention, and clears the ones it sets to null', async () => {
    const sub = newSub();
    const token = tokenFor(sub);
    await putMe(token, { name: 'Ada', defaultAddress: home });
    await putMe(token, { email: 'ada@example.com' });
    expect((await getMe(token)).json).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      defaultAddress: { city: 'London' },
    });
    const cleared = await putMe(token, { defaultAddress: null, name: null });
    expect(cleared.json).toEqual({
      sub,
      email: 'ada@example.com',
      emailVerified: false,
      name: null,
      defaultAddress: null,
    });
  });

  it('when two PUTs of different fields race, both changes are kept', async () => {
    const sub = newSub();
    const token = tokenFor(sub);
    await Promise.all([putMe(token, { name: 'Ada' }), putMe(token, { defaultAddress: home })]);
    expect((await getMe(token)).json).toMatchObject({ name: 'Ada', defaultAddress: { line1: home.line1 } });
  });

  it.each([
    ['the server-owned sub', { sub: 'someone-else' }, 'sub'],
    ['a userId', { userId: 'someone-else', name: 'Eve' }, 'userId'],
    ['an unknown field', { phone: '+44 20 7946 0000' }, 'phone'],
    ['an unknown address field', { defaultAddress: { ...home, phone: '123' } }, 'defaultAddress/phone'],
    ['an invalid e-mail', { email: 'not-an-email' }, 'email'],
    [
      'a country that is not ISO 3166-1 alpha-2',
      { defaultAddress: { ...home, country: 'XX' } },
      'defaultAddress/country',
    ],
    ['an address without a city', { defaultAddress: { ...home, city: undefined } }, 'defaultAddress/city'],
    ['an empty name', { name: '  ' }, 'name'],
    ['a name with a right-to-left override', { name: 'Ada \u202Egnp.exe' }, 'name'],
    ['a name with a line break', { name: 'Ada\nLovelace' }, 'name'],
    [
      'an address line with a control character',
      { defaultAddress: { ...home, line1: '12 St\u0007' } },
      'defaultAddress/line1',
    ],
    [
      'an address name with an isolate',
      { defaultAddress: { ...home, name: '\u2066Ada\u2069' } },
      'defaultAddress/name',
    ],
  ])('refuses %s with 400 VALIDATION_FAILED and stores nothing', async (_, body, path) => {
    const sub = newSub();
    const res = await putMe(tokenFor(sub), body);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await storedProfile(sub)).toBeUndefined();
  });

  it('leaves a stored profile as it was when a PUT is refused', async () => {
    const sub = newSub();
    const token = tokenFor(sub);
    await putMe(token, { name: 'Ada' });
    expect((await putMe(token, { name: 'Eve', sub: 'other' })).status).toBe(400);
    expect((await getMe(token)).json.name).toBe('Ada');
  });

  it('shows every customer only their own profile, and a PUT only ever changes the caller’s', async () => {
    const alice = newSub();
    const bob = newSub();
    await putMe(tokenFor(alice), { name: 'Alice', defaultAddress: home });
    const bobsView = await getMe(tokenFor(bob));
    expect(bobsView.json).toEqual({ sub: bob, email: null, emailVerified: false, name: null, defaultAddress: null });
    await putMe(tokenFor(bob), { name: 'Bob', defaultAddress: null });
    expect((await getMe(tokenFor(alice))).json).toMatchObject({
      sub: alice,
      name: 'Alice',
      defaultAddress: { city: 'London' },
    });
  });

  it('lets an admin use /v1/me for themselves', async () => {
    const res = await getMe(adminToken('admin-profile'));
    expect(res.status).toBe(200);
    expect(res.json.sub).toBe('admin-profile');
  });

  it('answers 401 without a token', async () => {
    const res = await invoke(getProfile, { method: 'GET', path: '/v1/me' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });
});
