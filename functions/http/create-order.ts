import { createOrderRoute, orderLocation } from '../../shared/api/order-routes';
import { idempotencyStore, orderService, profileService } from '../../shared/container';
import { httpRoute } from '../../shared/http/http-route';
import { created } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

export const handler = httpRoute(
  createOrderRoute,
  async ({ body, principal, idempotency }) => {
    const order = await orderService().place(
      // The verified address the profile caches (asked of the identity provider only when it has
      // none), looked up beside the checkout's other reads: access tokens carry no e-mail.
      { sub: principal.sub, email: profileService().orderRecipient(principal) },
      body,
      idempotency,
    );
    metrics.addMetric('OrdersPlaced', 'Count', 1);
    return created(order, orderLocation(order.orderId));
  },
  { idempotencyStore },
);
