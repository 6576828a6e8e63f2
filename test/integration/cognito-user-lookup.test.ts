import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDynamoProfileRepository } from '../../shared/adapters/dynamo/dynamo-profile-repository';
import {
  CognitoLookupError,
  cognitoEndpoint,
  createCognitoUserLookup,
} from '../../shared/adapters/identity/cognito-user-lookup';
import { createProfileService } from '../../shared/domain/customers/profile-service';
import { systemClock } from '../../shared/lib/clock';
import { tableName, testDocumentClient } from '../support/integration';

/**
 * The AWS path of a customer's verified address: Cognito's GetUser (JSON 1.1 over HTTPS, the access
 * token as the only credential), here answered by a stand-in on loopback that records each request.
 */
interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
/** What the stand-in answers, per access token. */
const answers = new Map<string, { status: number; body: unknown }>();
let server: Server;
let endpoint: string;
const db = testDocumentClient();

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      seen.push({ headers: request.headers, body });
      const token = (JSON.parse(body) as { AccessToken?: string }).AccessToken ?? '';
      const answer = answers.get(token) ?? {
        status: 400,
        body: { __type: 'NotAuthorizedException', message: 'Invalid Access Token' },
      };
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  db.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const user = (email: string | null, verified: string | null) => ({
  status: 200,
  body: {
    Username: randomUUID(),
    UserAttributes: [
      { Name: 'sub', Value: randomUUID() },
      ...(email === null ? [] : [{ Name: 'email', Value: email }]),
      ...(verified === null ? [] : [{ Name: 'email_verified', Value: verified }]),
    ],
  },
});

const lookup = () => createCognitoUserLookup({ userPoolId: 'eu-west-1_TestPool', endpoint });

describe('Cognito GetUser', () => {
  it('is asked with the customer’s access token only (JSON 1.1, no signature) and read for email and email_verified', async () => {
    const token = `token-${randomUUID()}`;
    answers.set(token, user('ada@example.com', 'true'));
    const before = seen.length;

    expect(await lookup().emailOf({ sub: 'ada', accessToken: token })).toEqual({
      email: 'ada@example.com',
      verified: true,
    });

    const [request] = seen.slice(before);
    expect(request?.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.GetUser');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({ AccessToken: token });
  });

  it.each([
    ['an address not verified', 'ada@example.com', 'false', { email: 'ada@example.com', verified: false }],
    ['no email_verified attribute', 'ada@example.com', null, { email: 'ada@example.com', verified: false }],
    ['no address at all', null, 'true', { email: null, verified: false }],
  ])('reads %s as not verified', async (_, email, verified, expected) => {
    const token = `token-${randomUUID()}`;
    answers.set(token, user(email, verified));
    expect(await lookup().emailOf({ sub: 'ada', accessToken: token })).toEqual(expected);
  });

  it('throws Cognito’s error name, never the token, when the call is refused', async () => {
    const token = `revoked-${randomUUID()}`;
    const error = await lookup()
      .emailOf({ sub: 'ada', accessToken: token })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitoLookupError);
    expect(error).toMatchObject({ status: 400, type: 'NotAuthorizedException' });
    expect(String((error as Error).message)).not.toContain(token);
  });

  it('calls the endpoint of the user pool’s region', () => {
    expect(cognitoEndpoint('eu-central-1_AbC123')).toBe('https://cognito-idp.eu-central-1.amazonaws.com/');
  });

  it('is asked once per customer by checkout: the verified address is cached on the profile', async () => {
    const sub = `cognito-${randomUUID()}`;
    const token = `token-${randomUUID()}`;
    answers.set(token, user(`${sub}@example.com`, 'true'));
    const profiles = createProfileService({
      profiles: createDynamoProfileRepository(db, tableName()),
      identity: lookup(),
      clock: systemClock,
    });
    const asked = () => seen.filter((request) => request.body.includes(token)).length;

    expect(await profiles.orderRecipient({ sub, accessToken: token })).toBe(`${sub}@example.com`);
    expect(await profiles.orderRecipient({ sub, accessToken: token })).toBe(`${sub}@example.com`);
    expect(await profiles.get({ sub, accessToken: token })).toMatchObject({ emailVerified: true });
    expect(asked()).toBe(1);
  });
});
