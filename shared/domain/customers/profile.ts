import type { Address } from '../address';

/** A customer's profile, keyed by the token's `sub`. Unset fields are null. */
export interface Profile {
  sub: string;
  email: string | null;
  name: string | null;
  defaultAddress: Address | null;
}

/** What `PUT /v1/me` may change; a field that is absent stays as it is, null clears it. */
export type ProfileChanges = Partial<Pick<Profile, 'name' | 'email' | 'defaultAddress'>>;

/** The signed-in customer as the profile service needs them (a verified token's claims). */
export interface Customer {
  sub: string;
  email: string | null;
}

/** The profile a customer starts with: the token's e-mail (if any) and nothing else. */
export const initialProfile = (customer: Customer): Profile => ({
  sub: customer.sub,
  email: customer.email,
  name: null,
  defaultAddress: null,
});
