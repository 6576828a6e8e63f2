import { handler as health } from '../../functions/http/health';
import { invoke } from '../support/http-event';

describe('health', () => {
  it('reports ok with DynamoDB and the queues reachable', async () => {
    const res = await invoke(health, { method: 'GET', path: '/v1/health' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok', checks: { dynamodb: 'ok', queues: 'ok' } });
  });
});
