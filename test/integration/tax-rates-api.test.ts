import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as listTaxRates } from '../../functions/http/list-tax-rates';
import { handler as setTaxRates } from '../../functions/http/set-tax-rates';
import { keys } from '../../shared/adapters/dynamo/keys';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

// An admin of this file's own, so its requests stay off the counter the other files' admin shares.
const admin = adminToken(`admin-tax-${randomBytes(3).toString('hex')}`);

const put = (country: string, body: unknown, token = admin) =>
  invoke(setTaxRates, {
    method: 'PUT',
    path: `/v1/tax-rates/${country}`,
    route: '/v1/tax-rates/{country}',
    pathParameters: { country },
    body,
    token,
  });
const list = (token = admin) => invoke(listTaxRates, { method: 'GET', path: '/v1/tax-rates', token });
const stored = async (country: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: keys.taxRates(country), ConsistentRead: true }))).Item;

describe('tax rates (DynamoDB Local)', () => {
  it('sets a country’s rates, replaces them, and lists every country by code', async () => {
    const set = await put('de', { standardBps: 1900, reducedBps: 700 });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ country: 'DE', standardBps: 1900, reducedBps: 700, updatedAt: expect.any(String) });
    expect((await put('AT', { standardBps: 2000, reducedBps: 1000 })).status).toBe(200);
    expect((await put('DE', { standardBps: 1600, reducedBps: 500 })).json).toMatchObject({ standardBps: 1600 });
    const listed = await list();
    expect(listed.status).toBe(200);
    const countries = listed.json.items.map((rates: { country: string }) => rates.country);
    expect(countries).toEqual([...countries].sort());
    expect(listed.json.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ country: 'DE', standardBps: 1600, reducedBps: 500 }),
        expect.objectContaining({ country: 'AT', standardBps: 2000, reducedBps: 1000 }),
      ]),
    );
  });

  it.each([
    ['a rate above 100 %', 'FR', { standardBps: 10_001, reducedBps: 550 }],
    ['a fraction of a basis point', 'FR', { standardBps: 2000.5, reducedBps: 550 }],
    ['a negative rate', 'FR', { standardBps: 2000, reducedBps: -1 }],
    ['a missing rate', 'FR', { standardBps: 2000 }],
    ['an unknown field', 'FR', { standardBps: 2000, reducedBps: 550, superReducedBps: 210 }],
    ['a country that is no ISO code', 'XX', { standardBps: 2000, reducedBps: 550 }],
  ])('refuses %s with 400 and stores nothing', async (_, country, body) => {
    const res = await put(country, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await stored(country)).toBeUndefined();
  });

  it('is for admins only', async () => {
    const customer = customerToken(`tax-${randomBytes(4).toString('hex')}`);
    expect((await put('NL', { standardBps: 2100, reducedBps: 900 }, customer)).status).toBe(403);
    expect((await list(customer)).status).toBe(403);
    expect((await put('NL', { standardBps: 2100, reducedBps: 900 }, 'not-a-token')).status).toBe(401);
    expect(await stored('NL')).toBeUndefined();
  });
});
