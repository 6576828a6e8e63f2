/** A postal address (a customer's default address, an order's shipping address). */
export interface Address {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper-case. */
  country: string;
}
