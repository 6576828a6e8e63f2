import type { Profile } from '../../shared/domain/customers/profile';
import type { Email } from '../../shared/domain/notifications/email-sender';
import { createNotificationService } from '../../shared/domain/notifications/notification-service';
import type { Order } from '../../shared/domain/orders/order';
import { inMemoryProfiles } from '../support/in-memory-customer-repositories';

/** Who an order e-mail goes to (docs/contract.md §5.0): a verified address, or nobody. */
const order = (email: string | null): Order => ({
  orderId: 'ord_1',
  userId: 'c-1',
  email,
  status: 'PAID',
  items: [{ sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: 1000, lineTotal: 1000 }],
  subtotal: 1000,
  discount: 0,
  discountCode: null,
  total: 1000,
  currency: 'EUR',
  shippingAddress: { name: 'Ada', line1: '1 Main St', line2: null, city: 'Berlin', postalCode: '10115', country: 'DE' },
  reservationExpiresAt: '2026-11-20T10:15:00.000Z',
  payment: { status: 'SUCCEEDED', attempts: 1 },
  shipment: null,
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-20T10:01:00.000Z',
  events: [],
});

async function recipientOf(stored: Order, profile: Profile | null) {
  const store = inMemoryProfiles();
  if (profile) await store.profiles.createIfAbsent(profile, stored.createdAt);
  const sent: Email[] = [];
  const service = createNotificationService({
    orders: { get: async () => stored },
    returns: { get: async () => null },
    profiles: store.profiles,
    outbox: { claim: async () => 'claimed', release: async () => undefined, complete: async () => undefined },
    email: {
      async send(email) {
        sent.push(email);
      },
    },
    clock: { now: () => new Date('2026-11-20T10:02:00.000Z') },
    shopName: 'Shop',
    claimSeconds: 45,
  });
  const outcome = await service.notify(stored.orderId, { event: 'PAID' });
  return { outcome: outcome.outcome, to: sent.map((email) => email.to) };
}

const profile = (email: string | null, verifiedEmail: string | null): Profile => ({
  sub: 'c-1',
  email,
  verifiedEmail,
  name: null,
  defaultAddress: null,
});

describe('order e-mails go only to a verified address', () => {
  it('never to an address set with PUT /v1/me that is not verified', async () => {
    expect(await recipientOf(order(null), profile('stranger@example.org', null))).toEqual({
      outcome: 'no-recipient',
      to: [],
    });
  });

  it('to the verified address, whatever other address the profile shows', async () => {
    expect(await recipientOf(order(null), profile('stranger@example.org', 'ada@example.com'))).toEqual({
      outcome: 'sent',
      to: ['ada@example.com'],
    });
  });

  it('to the customer’s current verified address rather than the one checkout found', async () => {
    expect(await recipientOf(order('old@example.com'), profile(null, 'new@example.com'))).toMatchObject({
      to: ['new@example.com'],
    });
  });

  it('to the address checkout found when the profile knows none now', async () => {
    expect(await recipientOf(order('ada@example.com'), profile('stranger@example.org', null))).toMatchObject({
      to: ['ada@example.com'],
    });
  });

  it('to nobody for an erased customer (no profile, no address on the order)', async () => {
    expect(await recipientOf({ ...order(null), userId: null }, null)).toEqual({ outcome: 'no-recipient', to: [] });
  });
});
