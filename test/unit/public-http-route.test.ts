import { getProductRoute } from '../../shared/api/catalog-routes';
import { healthRoute } from '../../shared/api/platform-routes';
import { publicHttpRoute } from '../../shared/container/http';
import { ok } from '../../shared/http/responses';

describe('the HTTP stack without a token verifier', () => {
  it('refuses at cold start a public route that verifies optional tokens', () => {
    expect(() => publicHttpRoute(getProductRoute, async () => ok({}))).toThrow(/verifies tokens/);
  });

  it('declares a public route that needs no token', () => {
    expect(typeof publicHttpRoute(healthRoute, async () => ok({}))).toBe('function');
  });
});
