import { createSandboxCarrier, sandboxTrackingNumber } from '../../shared/adapters/carrier/sandbox-carrier';
import { carrier } from '../../shared/container/fulfilment';
import { ShipmentRejectedError, type ShipmentRequest } from '../../shared/domain/fulfilment/carrier';

function request(overrides: Partial<ShipmentRequest> = {}): ShipmentRequest {
  return {
    orderId: 'ord_1',
    idempotencyKey: 'ship:ord_1',
    address: { name: 'Alice', line1: '1 Main St', line2: null, city: 'Berlin', postalCode: '10115', country: 'DE' },
    items: [{ sku: 'MUG-CLASSIC-01', quantity: 2 }],
    ...overrides,
  };
}

describe('the sandbox carrier', () => {
  const sandbox = createSandboxCarrier();

  it('books a shipment with sandbox-post and an SBX tracking number of 12 digits', async () => {
    const shipment = await sandbox.book(request());

    expect(shipment.carrier).toBe('sandbox-post');
    expect(shipment.trackingNumber).toMatch(/^SBX\d{12}$/);
  });

  it('answers a repeated booking with the same tracking number (same idempotency key)', async () => {
    const first = await sandbox.book(request());
    const again = await createSandboxCarrier().book(request({ items: [{ sku: 'MUG-CLASSIC-01', quantity: 2 }] }));

    expect(again).toEqual(first);
    expect(first.trackingNumber).toBe(sandboxTrackingNumber('ship:ord_1'));
  });

  it('gives different keys different tracking numbers', async () => {
    const numbers = new Set<string>();
    for (let i = 0; i < 200; i++)
      numbers.add((await sandbox.book(request({ idempotencyKey: `ship:ord_${i}` }))).trackingNumber);

    expect(numbers.size).toBe(200);
  });

  it.each([
    ['no postal code', { postalCode: '' }],
    ['a blank street', { line1: '   ' }],
    ['no city', { city: '' }],
    ['a country that is not an ISO code', { country: 'Germany' }],
  ])('refuses for good an address with %s', async (_, change) => {
    const address = { ...request().address, ...change };

    const refusal = await sandbox.book(request({ address })).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(ShipmentRejectedError);
    expect(refusal).toMatchObject({ reason: 'undeliverable-address', code: 'SHIPMENT_REJECTED', transient: false });
  });

  it('refuses for good a shipment without items or with a quantity below one', async () => {
    await expect(sandbox.book(request({ items: [] }))).rejects.toMatchObject({ reason: 'invalid-items' });
    await expect(sandbox.book(request({ items: [{ sku: 'MUG', quantity: 0 }] }))).rejects.toMatchObject({
      reason: 'invalid-items',
    });
  });

  it('cancels any booking key, repeatedly, and never reports a parcel as dispatched (it keeps no state)', async () => {
    await sandbox.book(request());

    await expect(sandbox.cancel({ orderId: 'ord_1', idempotencyKey: 'ship:ord_1' })).resolves.toBe('cancelled');
    await expect(sandbox.cancel({ orderId: 'ord_1', idempotencyKey: 'ship:ord_1' })).resolves.toBe('cancelled');
    await expect(sandbox.cancel({ orderId: 'ord_2', idempotencyKey: 'ship:ord_2' })).resolves.toBe('cancelled');
  });

  it('is the carrier of the container (CARRIER=sandbox)', async () => {
    await expect(carrier().book(request())).resolves.toEqual({
      carrier: 'sandbox-post',
      trackingNumber: sandboxTrackingNumber('ship:ord_1'),
    });
  });
});
