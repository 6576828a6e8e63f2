import { handler as createEndpoint } from '../../functions/http/create-webhook-endpoint';
import { handler as deleteEndpoint } from '../../functions/http/delete-webhook-endpoint';
import { handler as listEndpoints } from '../../functions/http/list-webhook-endpoints';
import { LOCAL_WEBHOOK_SIGNING_KEY } from '../../shared/production-safety';
import { invoke } from '../support/http-event';
import { adminToken, customerToken } from '../support/integration';
import { useOwnTable } from '../support/own-table';
import { localEndpointSecret } from '../support/webhook-receiver';

// The endpoints are shop-wide (and limited in number): a table of this file's own.
useOwnTable('webhook-endpoints');

const admin = adminToken('admin-webhooks');
const create = (body: unknown, token = admin) =>
  invoke(createEndpoint, { method: 'POST', path: '/v1/admin/webhook-endpoints', body, token });
const list = (token = admin) => invoke(listEndpoints, { method: 'GET', path: '/v1/admin/webhook-endpoints', token });
const remove = (id: string, token = admin) =>
  invoke(deleteEndpoint, {
    method: 'DELETE',
    path: `/v1/admin/webhook-endpoints/${id}`,
    route: '/v1/admin/webhook-endpoints/{id}',
    pathParameters: { id },
    token,
  });

describe('webhook endpoints (admin; DynamoDB Local, local mode)', () => {
  it('registers a loopback receiver locally, shows its secret once, lists it without, and deletes it', async () => {
    const created = await create({ url: 'http://127.0.0.1:8123/hooks', events: ['order.paid', 'order.shipped'] });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^we_/),
      url: 'http://127.0.0.1:8123/hooks',
      events: ['order.paid', 'order.shipped'],
      description: null,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
    });
    expect(created.headers.location).toBe(`/v1/admin/webhook-endpoints/${created.json.id}`);
    // Derived from the shop's key and the id, never stored: recomputed independently here.
    expect(created.json.secret).toBe(localEndpointSecret(LOCAL_WEBHOOK_SIGNING_KEY, created.json.id));

    const listed = await list();
    expect(listed.status).toBe(200);
    const { secret: _shownOnce, ...withoutSecret } = created.json;
    expect(listed.json.items).toContainEqual(withoutSecret);
    expect(JSON.stringify(listed.json)).not.toContain(created.json.secret);

    expect((await remove(created.json.id)).status).toBe(204);
    const again = await remove(created.json.id);
    expect({ status: again.status, code: again.json.code }).toEqual({
      status: 404,
      code: 'WEBHOOK_ENDPOINT_NOT_FOUND',
    });
    expect((await list()).json.items.map((item: { id: string }) => item.id)).not.toContain(created.json.id);
  });

  it('refuses private, link-local and metadata addresses, and non-loopback http, even locally (400, nothing stored)', async () => {
    const before = (await list()).json.items.length;
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/hook',
      'https://192.168.1.10/hook',
      'http://10.0.0.1/hook',
      'ftp://127.0.0.1/hook',
    ]) {
      const refused = await create({ url, events: ['*'] });
      expect({ url, status: refused.status, field: refused.json.errors?.[0]?.path }).toEqual({
        url,
        status: 400,
        field: 'url',
      });
    }
    const unknownEvent = await create({ url: 'http://127.0.0.1:8123/hooks', events: ['order.teleported'] });
    expect(unknownEvent.status).toBe(400);
    expect((await list()).json.items).toHaveLength(before);
  });

  it('keeps every route for admins (403 for a customer, 401 without a token)', async () => {
    const customer = customerToken('webhook-curious');
    expect((await create({ url: 'http://127.0.0.1:8123/hooks', events: ['*'] }, customer)).status).toBe(403);
    expect((await list(customer)).status).toBe(403);
    expect((await remove('we_0000000000000000', customer)).status).toBe(403);
    expect((await list('')).status).toBe(401);
  });

  it('holds at most 20 endpoints, however many are created at once', async () => {
    const existing = (await list()).json.items.length;
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) => create({ url: `http://127.0.0.1:${9000 + index}/h`, events: ['*'] })),
    );
    const createdCount = answers.filter((answer) => answer.status === 201).length;
    expect(createdCount).toBe(20 - existing);
    expect(answers.filter((answer) => answer.status === 400)).toHaveLength(25 - createdCount);
    expect((await list()).json.items).toHaveLength(20);
  });
});
