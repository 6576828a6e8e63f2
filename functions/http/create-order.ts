import { createOrderRoute, orderLocation } from '../../shared/api/order-routes';
import { profileService } from '../../shared/container/customers';
import { idempotentHttpRoute } from '../../shared/container/http';
import { orderService } from '../../shared/container/orders';
import { created } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

export const handler = idempotentHttpRoute(createOrderRoute, async ({ body, principal, idempotency }) => {
  // The verified address the profile caches (asked of the identity provider only when it has none),
  // looked up beside the checkout's other reads: access tokens carry no e-mail. A first order's
  // profile is written beside the order's transaction, and awaited before the answer.
  const recipient = profileService().recipientLookup(principal);
  try {
    const order = await orderService().place({ sub: principal.sub, email: recipient.address }, body, idempotency);
    metrics.addMetric('OrdersPlaced', 'Count', 1);
    return created(order, orderLocation(order.orderId));
  } finally {
    await recipient.kept;
  }
});
