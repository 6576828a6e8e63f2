import { ContentionError, ValidationError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import { ShippingMethodExistsError, ShippingMethodNotFoundError, TooManyShippingMethodsError } from './shipping-errors';
import {
  MAX_SHIPPING_METHODS,
  type ShippingMethod,
  type ShippingMethodRepository,
  type ShippingRate,
} from './shipping-method';

export interface NewShippingMethod {
  code: string;
  name: string;
  countries: string[];
  rate: ShippingRate;
  freeOverSubtotal?: number | null;
  minDeliveryDays: number;
  maxDeliveryDays: number;
  active?: boolean;
}

export type ShippingMethodChanges = Partial<Omit<NewShippingMethod, 'code'>>;

export interface ShippingMethodServiceDeps {
  methods: ShippingMethodRepository;
  clock: Clock;
}

export type ShippingMethodService = ReturnType<typeof createShippingMethodService>;

/** Admins changing one method at once at most retry this often (each retry re-reads the set). */
const MAX_ATTEMPTS = 10;

/** @throws ValidationError when the delivery days are the wrong way round (the schema checks the rest). */
function assertDeliveryDays({ minDeliveryDays, maxDeliveryDays }: ShippingMethod): void {
  if (minDeliveryDays > maxDeliveryDays)
    throw new ValidationError([
      { path: 'maxDeliveryDays', message: 'maxDeliveryDays must be at least minDeliveryDays' },
    ]);
}

/** The shop's shipping methods (`/v1/shipping-methods`, admin). */
export function createShippingMethodService({ methods, clock }: ShippingMethodServiceDeps) {
  /** Applies `change` to the current set with a conditional write, re-reading after a lost race. */
  function change(apply: (current: ShippingMethod[]) => { methods: ShippingMethod[]; result: ShippingMethod }) {
    return retryOnConflict(
      async () => {
        const current = await methods.get({ consistent: true });
        const { methods: next, result } = apply(current.methods);
        return (await methods.save(next, current.version)) ? result : CONFLICT;
      },
      {
        attempts: MAX_ATTEMPTS,
        backoff: { baseMs: 5, capMs: 100 },
        exhausted: () => {
          throw new ContentionError('The shipping methods are changing concurrently; try again.');
        },
      },
    );
  }

  return {
    /** @throws ShippingMethodExistsError for a code in use; TooManyShippingMethodsError past the cap. */
    create(input: NewShippingMethod): Promise<ShippingMethod> {
      const at = clock.now().toISOString();
      const method: ShippingMethod = {
        ...input,
        freeOverSubtotal: input.freeOverSubtotal ?? null,
        active: input.active ?? true,
        createdAt: at,
        updatedAt: at,
      };
      assertDeliveryDays(method);
      return change((current) => {
        if (current.some((existing) => existing.code === method.code)) throw new ShippingMethodExistsError(method.code);
        if (current.length >= MAX_SHIPPING_METHODS) throw new TooManyShippingMethodsError(MAX_SHIPPING_METHODS);
        return { methods: [...current, method], result: method };
      });
    },

    /** Changes the given fields of one method. @throws ShippingMethodNotFoundError for an unknown code. */
    update(code: string, changes: ShippingMethodChanges): Promise<ShippingMethod> {
      return change((current) => {
        const existing = current.find((method) => method.code === code);
        if (!existing) throw new ShippingMethodNotFoundError(code);
        const updated: ShippingMethod = { ...existing, ...changes, updatedAt: clock.now().toISOString() };
        assertDeliveryDays(updated);
        return { methods: current.map((method) => (method.code === code ? updated : method)), result: updated };
      });
    },

    /** @throws ShippingMethodNotFoundError for an unknown code. */
    async get(code: string): Promise<ShippingMethod> {
      const found = (await methods.get({ consistent: true })).methods.find((method) => method.code === code);
      if (!found) throw new ShippingMethodNotFoundError(code);
      return found;
    },

    /** Every method, active or not, by code. */
    async list(): Promise<{ items: ShippingMethod[] }> {
      const { methods: all } = await methods.get({ consistent: true });
      return { items: [...all].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)) };
    },
  };
}
