import { createCatalogService } from '../../shared/domain/catalog/catalog-service';
import { createInventoryService } from '../../shared/domain/inventory/inventory-service';
import { createCursorCodec } from '../../shared/lib/cursor-codec';
import { codeOf } from '../support/app-error';
import { inMemoryStore } from '../support/in-memory-repositories';

function setup() {
  const store = inMemoryStore();
  let tick = Date.parse('2026-11-20T10:00:00.000Z');
  const clock = {
    now: () => {
      tick += 1000;
      return new Date(tick);
    },
  };
  let id = 0;
  const ids = { next: (prefix: string) => `${prefix}_${String(++id).padStart(6, '0')}` };
  const cursors = createCursorCodec('unit-test-cursor-secret');
  const catalog = createCatalogService({ catalog: store.catalog, cursors, clock, currency: 'EUR' });
  const inventory = createInventoryService({ inventory: store.inventory, cursors, clock, ids });
  return { store, catalog, inventory };
}

const mug = { sku: 'MUG-1', name: 'Mug', price: 1200, category: 'Kitchen' };

describe('catalog service', () => {
  it('creates a product in the store currency with defaults filled in and no stock', async () => {
    const { catalog } = setup();
    const { product, etag } = await catalog.create(mug);
    expect(product).toEqual({
      ...mug,
      description: null,
      imageUrl: null,
      active: true,
      currency: 'EUR',
      options: [],
      variants: [],
      weight: null,
      taxClass: 'standard',
      available: 0,
      createdAt: '2026-11-20T10:00:01.000Z',
      updatedAt: '2026-11-20T10:00:01.000Z',
    });
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('refuses a second product with the same sku', async () => {
    const { catalog } = setup();
    await catalog.create(mug);
    expect(await codeOf(catalog.create({ ...mug, name: 'Other' }))).toBe('409 PRODUCT_EXISTS');
  });

  it('hides an inactive product from the public but shows it to admins', async () => {
    const { catalog } = setup();
    await catalog.create({ ...mug, active: false });
    expect(await codeOf(catalog.get('MUG-1', { admin: false }))).toBe('404 PRODUCT_NOT_FOUND');
    expect((await catalog.get('MUG-1', { admin: true })).product.active).toBe(false);
  });

  it('changes the ETag when stock changes, since available is part of the representation', async () => {
    const { catalog, inventory } = setup();
    const created = await catalog.create(mug);
    await inventory.setOnHand('MUG-1', 5, 'admin-1');
    const read = await catalog.get('MUG-1', { admin: false });
    expect(read.product.available).toBe(5);
    expect(read.etag).not.toBe(created.etag);
  });

  it('applies a PATCH only when If-Match is the current ETag', async () => {
    const { catalog } = setup();
    const { etag } = await catalog.create(mug);
    const updated = await catalog.update('MUG-1', { price: 1500 }, { ifMatch: etag });
    expect(updated.product.price).toBe(1500);
    expect(await codeOf(catalog.update('MUG-1', { price: 1700 }, { ifMatch: etag }))).toBe('412 PRECONDITION_FAILED');
    expect((await catalog.get('MUG-1', { admin: true })).product.price).toBe(1500);
  });

  it('lists only active products, by sku, a page at a time, optionally by category', async () => {
    const { catalog } = setup();
    for (const sku of ['C', 'A', 'E', 'B', 'D'])
      await catalog.create({ ...mug, sku, category: sku < 'D' ? 'Kitchen' : 'Home' });
    await catalog.update('B', { active: false });
    const first = await catalog.listActive({ limit: 2 });
    expect(first.items.map((p) => p.sku)).toEqual(['A', 'C']);
    const second = await catalog.listActive({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((p) => p.sku)).toEqual(['D', 'E']);
    expect(second.nextCursor).toBeNull();
    const kitchen = await catalog.listActive({ category: 'Kitchen', limit: 10 });
    expect(kitchen.items.map((p) => p.sku)).toEqual(['A', 'C']);
  });

  it('refuses a cursor from another list or a tampered one', async () => {
    const { catalog } = setup();
    for (const sku of ['A', 'B', 'C']) await catalog.create({ ...mug, sku });
    const { nextCursor } = await catalog.listActive({ limit: 1 });
    expect(nextCursor).not.toBeNull();
    expect(await codeOf(catalog.listActive({ limit: 1, category: 'Kitchen', cursor: nextCursor ?? '' }))).toBe(
      '400 INVALID_CURSOR',
    );
    const tampered = `${Buffer.from(JSON.stringify({ key: 'B' })).toString('base64url')}.${(nextCursor ?? '').split('.')[1]}`;
    expect(await codeOf(catalog.listActive({ limit: 1, cursor: tampered }))).toBe('400 INVALID_CURSOR');
    expect(await codeOf(catalog.listActive({ limit: 1, cursor: 'garbage' }))).toBe('400 INVALID_CURSOR');
  });
});

describe('inventory service', () => {
  it('sets on-hand stock and records before and after in the audit trail', async () => {
    const { catalog, inventory } = setup();
    await catalog.create(mug);
    expect(await inventory.setOnHand('MUG-1', 10, 'admin-1')).toEqual({
      sku: 'MUG-1',
      onHand: 10,
      reserved: 0,
      available: 10,
    });
    expect(await inventory.adjust('MUG-1', -3, 'breakage', 'admin-2')).toEqual({
      sku: 'MUG-1',
      onHand: 7,
      reserved: 0,
      available: 7,
    });
    const trail = await inventory.listAdjustments('MUG-1', 10);
    expect(
      trail.items.map(({ kind, delta, onHandBefore, onHandAfter, actor, reason }) => ({
        kind,
        delta,
        onHandBefore,
        onHandAfter,
        actor,
        reason,
      })),
    ).toEqual([
      { kind: 'ADJUST', delta: -3, onHandBefore: 10, onHandAfter: 7, actor: 'admin-2', reason: 'breakage' },
      { kind: 'SET', delta: 10, onHandBefore: 0, onHandAfter: 10, actor: 'admin-1', reason: null },
    ]);
  });

  it('refuses to take on-hand below what is reserved, and changes nothing', async () => {
    const { catalog, inventory, store } = setup();
    await catalog.create(mug);
    await inventory.setOnHand('MUG-1', 10, 'admin-1');
    store.stock.set('MUG-1', { sku: 'MUG-1', onHand: 10, reserved: 4, available: 6 });
    expect(await codeOf(inventory.setOnHand('MUG-1', 3, 'admin-1'))).toBe('409 STOCK_BELOW_RESERVED');
    expect(await codeOf(inventory.adjust('MUG-1', -7, 'loss', 'admin-1'))).toBe('409 STOCK_BELOW_RESERVED');
    expect(store.stock.get('MUG-1')).toEqual({ sku: 'MUG-1', onHand: 10, reserved: 4, available: 6 });
    expect(store.adjustments).toHaveLength(1);
  });

  it('answers 404 for stock of an unknown sku', async () => {
    const { inventory } = setup();
    expect(await codeOf(inventory.get('NOPE'))).toBe('404 PRODUCT_NOT_FOUND');
    expect(await codeOf(inventory.adjust('NOPE', 1, 'x', 'a'))).toBe('404 PRODUCT_NOT_FOUND');
  });
});
