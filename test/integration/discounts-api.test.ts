import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as createDiscount } from '../../functions/http/create-discount';
import { handler as getDiscount } from '../../functions/http/get-discount';
import { handler as listDiscounts } from '../../functions/http/list-discounts';
import { keys } from '../../shared/adapters/dynamo/keys';
import { invoke } from '../support/http-event';
import { adminToken, customerToken, tableName, testDocumentClient } from '../support/integration';

const db = testDocumentClient();
afterAll(() => db.destroy());

/** A code no other test uses; codes are global, so lists are filtered by a per-test prefix. */
const uniqueCode = (prefix = 'T') => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;

const create = (body: Record<string, unknown>, token = adminToken()) =>
  invoke(createDiscount, { method: 'POST', path: '/v1/discounts', body, token });
const list = (query: Record<string, string>, token = adminToken()) =>
  invoke(listDiscounts, { method: 'GET', path: '/v1/discounts', query, token });
const getOne = (code: string, token = adminToken()) =>
  invoke(getDiscount, {
    method: 'GET',
    path: `/v1/discounts/${code}`,
    route: '/v1/discounts/{code}',
    pathParameters: { code },
    token,
  });
const stored = async (code: string) =>
  (await db.send(new GetCommand({ TableName: tableName(), Key: keys.discount(code), ConsistentRead: true }))).Item;

describe('discount endpoints against DynamoDB Local', () => {
  it('creates a percentage code: 201 with Location, stored upper-case, unset fields null, no redemptions', async () => {
    const code = uniqueCode();
    const res = await create({ code: code.toLowerCase(), percentOff: 15 });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/discounts/${code}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json).toEqual({
      code,
      percentOff: 15,
      amountOff: null,
      validFrom: null,
      validUntil: null,
      maxRedemptions: null,
      maxRedemptionsPerCustomer: null,
      redemptions: 0,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect((await getOne(code)).json).toEqual(res.json);
  });

  it('stores unset limits as absent attributes, so checkout can condition on attribute_not_exists', async () => {
    const code = uniqueCode();
    await create({ code, amountOff: 500 });
    const item = await stored(code);
    expect(item).toMatchObject({ code, amountOff: 500, redemptions: 0, ...keys.discountIndex(code) });
    for (const absent of ['percentOff', 'maxRedemptions', 'validFrom', 'validUntil'])
      expect(item).not.toHaveProperty(absent);
  });

  it('normalises the validity window to UTC ISO 8601 and keeps the redemption limit', async () => {
    const code = uniqueCode();
    const res = await create({
      code,
      amountOff: 250,
      validFrom: '2026-12-01T08:00:00+01:00',
      validUntil: '2027-01-01',
      maxRedemptions: 100,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      validFrom: '2026-12-01T07:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
      maxRedemptions: 100,
    });
    expect(await stored(code)).toMatchObject({
      validFrom: '2026-12-01T07:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
      maxRedemptions: 100,
      redemptions: 0,
    });
  });

  it('refuses a code that exists, in any case, with 409 DISCOUNT_EXISTS and keeps the first', async () => {
    const code = uniqueCode();
    await create({ code, percentOff: 10 });
    const res = await create({ code: code.toLowerCase(), amountOff: 9999 });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('DISCOUNT_EXISTS');
    expect(await stored(code)).toMatchObject({ percentOff: 10 });
    expect(await stored(code)).not.toHaveProperty('amountOff');
  });

  it.each([
    ['both percentOff and amountOff', { percentOff: 10, amountOff: 100 }, 'amountOff'],
    ['neither percentOff nor amountOff', {}, 'percentOff'],
    ['percentOff 0', { percentOff: 0 }, 'percentOff'],
    ['percentOff 101', { percentOff: 101 }, 'percentOff'],
    ['a fractional percentOff', { percentOff: 12.5 }, 'percentOff'],
    ['amountOff 0', { amountOff: 0 }, 'amountOff'],
    ['a fractional amountOff', { amountOff: 9.99 }, 'amountOff'],
    ['amountOff as a string', { amountOff: '500' }, 'amountOff'],
    [
      'validUntil before validFrom',
      { percentOff: 5, validFrom: '2027-01-02T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' },
      'validUntil',
    ],
    [
      'validUntil equal to validFrom',
      { percentOff: 5, validFrom: '2027-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' },
      'validUntil',
    ],
    ['a date that is not ISO 8601', { percentOff: 5, validFrom: 'next tuesday' }, 'validFrom'],
    ['a date-time without a time zone', { percentOff: 5, validUntil: '2027-01-01T00:00:00' }, 'validUntil'],
    ['an impossible date', { percentOff: 5, validUntil: '2027-02-30T00:00:00Z' }, 'validUntil'],
    ['maxRedemptions 0', { percentOff: 5, maxRedemptions: 0 }, 'maxRedemptions'],
    ['server-owned redemptions', { percentOff: 5, redemptions: 3 }, 'redemptions'],
    ['server-owned createdAt', { percentOff: 5, createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
    ['an unknown field', { percentOff: 5, stackable: true }, 'stackable'],
  ])('refuses %s with 400 VALIDATION_FAILED and stores nothing', async (_, fields, path) => {
    const code = uniqueCode();
    const res = await create({ code, ...fields });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
    expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await stored(code)).toBeUndefined();
  });

  it.each([
    ['shorter than 3 characters', 'AB'],
    ['longer than 32 characters', 'A'.repeat(33)],
    ['with a space', 'SUMMER SALE'],
    ['with a character outside A-Z 0-9 _ -', 'SÜMMER'],
  ])('refuses a code %s with 400', async (_, code) => {
    const res = await create({ code, percentOff: 5 });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ path: 'code' })]);
  });

  it('accepts codes of exactly 3 and 32 characters with _ and -', async () => {
    const short = `${randomBytes(1).toString('hex').toUpperCase()}_`;
    const long = `${uniqueCode('L-')}_`.padEnd(32, 'X');
    expect(long).toHaveLength(32);
    expect((await create({ code: short, percentOff: 1 })).status).toBe(201);
    expect((await create({ code: long, percentOff: 1 })).status).toBe(201);
  });

  it('refuses customers with 403 on every discount route, and stores nothing', async () => {
    const code = uniqueCode();
    const customer = customerToken('discount-snoop');
    expect((await create({ code, percentOff: 90 }, customer)).status).toBe(403);
    expect(await stored(code)).toBeUndefined();
    await create({ code, percentOff: 10 });
    expect((await list({}, customer)).status).toBe(403);
    const one = await getOne(code, customer);
    expect(one.status).toBe(403);
    expect(one.json.code).toBe('FORBIDDEN');
  });

  it('finds a code in any case, and answers 404 DISCOUNT_NOT_FOUND for an unknown one', async () => {
    const code = uniqueCode();
    await create({ code, amountOff: 100 });
    expect((await getOne(code.toLowerCase())).json.code).toBe(code);
    const missing = await getOne(uniqueCode());
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('DISCOUNT_NOT_FOUND');
  });

  it('lists every code by code, page by page, with all fields and redemptions', async () => {
    const prefix = uniqueCode('P');
    const codes = [`${prefix}-C`, `${prefix}-A`, `${prefix}-B`];
    for (const code of codes) expect((await create({ code, percentOff: 5, maxRedemptions: 3 })).status).toBe(201);
    const seen: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await list({ limit: '2', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.json.items);
      cursor = res.json.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    const mine = seen.filter((d) => String(d.code).startsWith(prefix));
    expect(mine.map((d) => d.code)).toEqual([...codes].sort());
    expect(mine[0]).toEqual({
      code: `${prefix}-A`,
      percentOff: 5,
      amountOff: null,
      validFrom: null,
      validUntil: null,
      maxRedemptions: 3,
      maxRedemptionsPerCustomer: null,
      redemptions: 0,
      createdAt: expect.any(String),
    });
    const all = seen.map((d) => String(d.code));
    expect(all).toEqual([...all].sort());
  });

  it.each([['0'], ['101'], ['ten']])('refuses limit=%s with 400 VALIDATION_FAILED', async (limit) => {
    const res = await list({ limit });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a tampered cursor with 400 INVALID_CURSOR', async () => {
    await create({ code: uniqueCode(), percentOff: 1 });
    await create({ code: uniqueCode(), percentOff: 1 });
    const first = await list({ limit: '1' });
    const cursor = first.json.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const res = await list({ limit: '1', cursor: `${cursor.slice(0, -3)}AAA` });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_CURSOR');
  });
});
