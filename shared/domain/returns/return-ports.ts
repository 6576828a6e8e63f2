import type { Order, OrderEvent } from '../orders/order';
import type { Page, PageRequest } from '../pagination';
import type { OrderReturn, ReturnedQuantities, ReturnStatus } from './return';

/**
 * The returns' storage. Every change of a return is one transaction with its order (the order's
 * events, its returned quantities, what it refunded), conditional on the return's status and on
 * the order's version, so a race or a retry applies once; `false` means someone else moved first.
 */
export interface ReturnRepository {
  get(returnId: string): Promise<OrderReturn | null>;
  /** The order's returns, oldest first. */
  listOfOrder(orderId: string): Promise<OrderReturn[]>;
  /** Returns of one status, oldest first (the shop works through them in order). */
  listByStatus(status: ReturnStatus, page: PageRequest): Promise<Page<OrderReturn>>;
  /** A new return, and the order with its units counted as returned and RETURN_REQUESTED. */
  request(change: {
    order: Order;
    ret: OrderReturn;
    returned: ReturnedQuantities;
    event: OrderEvent;
  }): Promise<boolean>;
  /** REQUESTED → REJECTED, and the order with the units counted back as kept. */
  reject(change: { order: Order; ret: OrderReturn; returned: ReturnedQuantities; event: OrderEvent }): Promise<boolean>;
  /**
   * REQUESTED → RECEIVED, priced anew: the units back on hand, the order's received quantities and
   * RETURN_RECEIVED, and the refund's work record (`returnRefundWork`), whose message the table's
   * stream hands to the payment worker.
   */
  receive(change: {
    order: Order;
    ret: OrderReturn;
    receivedQuantities: ReturnedQuantities;
    event: OrderEvent;
  }): Promise<boolean>;
  /**
   * RECEIVED → REFUNDED with the gateway's refund: the order's `refunded` grows by the return's
   * amount (never past its total) with REFUNDED, the refund enters the sales ledger, and the refund's
   * work record goes.
   */
  recordRefund(change: { order: Order; ret: OrderReturn; refundId: string; event: OrderEvent }): Promise<boolean>;
}
