import { createOrderRoute } from '../../shared/api/order-routes';
import { profileService } from '../../shared/container/customers';
import { httpRoute, idempotencyStore } from '../../shared/container/http';
import { orderService } from '../../shared/container/orders';
import { checkoutRateLimit } from '../../shared/container/rate-limits';
import type { OrderView } from '../../shared/domain/orders/order';
import { idempotent, storedJson } from '../../shared/http/idempotency';
import { created } from '../../shared/http/responses';
import { metrics } from '../../shared/observability';

const location = (orderId: string) => `/v1/orders/${orderId}`;

export const handler = httpRoute(createOrderRoute, async ({ body, principal, header, requestId }) =>
  idempotent<OrderView>(
    { store: idempotencyStore(), scope: principal.sub, key: header('idempotency-key'), body, requestId },
    async (completion) => {
      const order = await orderService().place(
        // The verified address the profile caches (asked of the identity provider only when it has
        // none), looked up beside the checkout's other reads: access tokens carry no e-mail.
        { sub: principal.sub, email: profileService().orderRecipient(principal) },
        body,
        completion((view) => storedJson(201, view, { Location: location(view.orderId) })),
        // After the replay check, so a replay never counts toward the checkout limit; it runs beside
        // the price reads, and a refused checkout writes nothing.
        () => checkoutRateLimit().consume(principal.sub),
      );
      metrics.addMetric('OrdersPlaced', 'Count', 1);
      return created(order, location(order.orderId));
    },
  ),
);
