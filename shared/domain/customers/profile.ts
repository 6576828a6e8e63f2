import type { Address } from '../address';
import { sameAddress } from './identity';

/**
 * A customer's profile as stored, keyed by the token's `sub`. Unset fields are null.
 *
 * Two addresses, on purpose: `email` is what the customer set with `PUT /v1/me` (anyone may type
 * any address there, so it is never mailed), `verifiedEmail` the address the identity provider says
 * they proved they own, cached here so that checkout does not ask the provider every time. Order
 * e-mails go to `verifiedEmail` only (docs/contract.md §5.0).
 */
export interface Profile {
  sub: string;
  email: string | null;
  verifiedEmail: string | null;
  name: string | null;
  defaultAddress: Address | null;
}

/** What `PUT /v1/me` may change; a field that is absent stays as it is, null clears it. */
export type ProfileEdit = Partial<Pick<Profile, 'name' | 'email' | 'defaultAddress'>>;

/** What one write may change (the edits, and the cached verified address). */
export type ProfileChanges = ProfileEdit & Partial<Pick<Profile, 'verifiedEmail'>>;

/** The profile as the customer sees it (`GET /v1/me`). */
export interface ProfileView {
  sub: string;
  /** The address the customer set, else their verified one. */
  email: string | null;
  /** Whether `email` is the address the customer proved they own (the one order e-mails go to). */
  emailVerified: boolean;
  name: string | null;
  defaultAddress: Address | null;
}

/** The profile a customer starts with: the verified address (if any is known) and nothing else. */
export const initialProfile = (sub: string, verifiedEmail: string | null = null): Profile => ({
  sub,
  email: null,
  verifiedEmail,
  name: null,
  defaultAddress: null,
});

export function toProfileView(profile: Profile): ProfileView {
  const email = profile.email ?? profile.verifiedEmail;
  return {
    sub: profile.sub,
    email,
    emailVerified: email !== null && profile.verifiedEmail !== null && sameAddress(email, profile.verifiedEmail),
    name: profile.name,
    defaultAddress: profile.defaultAddress,
  };
}
