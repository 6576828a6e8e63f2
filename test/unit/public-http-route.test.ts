import { getProductRoute } from '../../shared/api/catalog-routes';
import { createOrderRoute } from '../../shared/api/order-routes';
import { healthRoute } from '../../shared/api/platform-routes';
import { httpRoute, idempotentHttpRoute, publicHttpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

describe('the HTTP stack without a token verifier', () => {
  it('refuses at cold start a public route that verifies optional tokens', () => {
    expect(() => publicHttpRoute(getProductRoute, async () => ok({}))).toThrow(/verifies tokens/);
  });

  it('declares a public route that needs no token', () => {
    expect(typeof publicHttpRoute(healthRoute, async () => ok({}))).toBe('function');
  });
});

describe('the HTTP stack without an idempotency store', () => {
  it('refuses at cold start a route declared idempotent', () => {
    expect(() => httpRoute(createOrderRoute, async () => ok({}))).toThrow(/declare it with idempotentHttpRoute/);
  });

  it('declares it on the stack of idempotent routes', () => {
    expect(typeof idempotentHttpRoute(createOrderRoute, async () => ok({}))).toBe('function');
  });
});
