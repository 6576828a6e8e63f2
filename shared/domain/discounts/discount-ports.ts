import type { Page, PageRequest } from '../pagination';
import type { Discount } from './discount';

export interface DiscountRepository {
  /** @throws DiscountExistsError when the code is taken. */
  create(discount: Discount): Promise<void>;
  /** The discount (strongly consistent), or null. `code` is already normalised. */
  get(code: string): Promise<Discount | null>;
  /** Every discount by code. */
  list(page: PageRequest): Promise<Page<Discount>>;
}
