import type { Cart } from '../../shared/domain/cart/cart';
import type { CartRepository } from '../../shared/domain/cart/cart-ports';
import type { Profile } from '../../shared/domain/customers/profile';
import type { ProfileRepository } from '../../shared/domain/customers/profile-ports';
import type { Discount } from '../../shared/domain/discounts/discount';
import { DiscountExistsError } from '../../shared/domain/discounts/discount-errors';
import type { DiscountRepository } from '../../shared/domain/discounts/discount-ports';

const copy = <T>(value: T): T => structuredClone(value);

/** In-memory profiles with the DynamoDB adapter's semantics (conditional create, field-wise update). */
export function inMemoryProfiles() {
  const profiles = new Map<string, Profile>();
  const repository: ProfileRepository = {
    async get(sub) {
      const profile = profiles.get(sub);
      return profile ? copy(profile) : null;
    },
    async createIfAbsent(profile) {
      if (profiles.has(profile.sub)) return false;
      profiles.set(profile.sub, copy(profile));
      return true;
    },
    async update(initial, changes) {
      const next = { ...(profiles.get(initial.sub) ?? initial) };
      for (const field of ['name', 'email', 'verifiedEmail', 'defaultAddress'] as const) {
        if (changes[field] !== undefined) Object.assign(next, { [field]: changes[field] });
      }
      profiles.set(initial.sub, copy(next));
      return copy(next);
    },
    async delete(sub) {
      profiles.delete(sub);
    },
  };
  return { profiles: repository, stored: profiles };
}

/**
 * In-memory carts with the version condition of the DynamoDB adapter. `loseNextWrites(n)` makes
 * the next n writes lose their race (as if another change had landed first).
 */
export function inMemoryCarts() {
  const carts = new Map<string, Cart>();
  let racesToLose = 0;
  const writes: Array<{ sub: string; sku: string; quantity: number }> = [];
  const repository: CartRepository = {
    async get(sub) {
      const cart = carts.get(sub);
      return cart ? copy(cart) : null;
    },
    async setQuantity(sub, line, expectedVersion, now) {
      const { sku, quantity } = line;
      if (racesToLose > 0) {
        racesToLose--;
        return null;
      }
      const current = carts.get(sub);
      if ((current?.version ?? 0) !== expectedVersion) return null;
      const items = (current?.items ?? []).filter((item) => item.sku !== sku);
      if (quantity > 0) items.push(line.productSku && line.productSku !== sku ? { ...line } : { sku, quantity });
      items.sort((a, b) => (a.sku < b.sku ? -1 : 1));
      const next: Cart = { sub, items, version: expectedVersion + 1, updatedAt: now };
      carts.set(sub, next);
      writes.push({ sub, sku, quantity });
      return copy(next);
    },
    async empty(sub, now) {
      const current = carts.get(sub);
      if (current) carts.set(sub, { sub, items: [], version: current.version + 1, updatedAt: now });
    },
    async delete(sub) {
      carts.delete(sub);
    },
  };
  return {
    carts: repository,
    stored: carts,
    writes,
    loseNextWrites: (count: number) => {
      racesToLose = count;
    },
  };
}

/** In-memory discounts, by code. */
export function inMemoryDiscounts() {
  const discounts = new Map<string, Discount>();
  const repository: DiscountRepository = {
    async create(discount) {
      if (discounts.has(discount.code)) throw new DiscountExistsError(discount.code);
      discounts.set(discount.code, copy(discount));
    },
    async get(code) {
      const discount = discounts.get(code);
      return discount ? copy(discount) : null;
    },
    async list({ limit, after }) {
      const sorted = [...discounts.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
      const start = after ? sorted.findIndex((d) => d.code === after.code) + 1 : 0;
      const items = sorted.slice(start, start + limit);
      const last = items.at(-1);
      return { items: items.map(copy), next: last && start + limit < sorted.length ? { code: last.code } : null };
    },
  };
  return { discounts: repository, stored: discounts };
}
