/**
 * The identity provider's view of a customer: who signed in, and which e-mail address they have
 * proved they own. In AWS that is the Cognito user pool (GetUser with the customer's access token);
 * locally, the local issuer's user directory (docs/decisions/0009-verified-order-email.md).
 */

/** The signed-in customer: their id and the access token of this request. */
export interface SignedInCustomer {
  sub: string;
  /** The verified bearer token; the identity provider knows the customer by it. Never logged or stored. */
  accessToken: string;
}

/** What the identity provider holds of a customer's e-mail. */
export interface IdentityEmail {
  /** The account's e-mail address, or null when it has none. */
  email: string | null;
  /** Whether the customer proved they receive mail at `email` (Cognito's `email_verified`). */
  verified: boolean;
}

export interface IdentityProvider {
  /**
   * The customer's e-mail address as the identity provider knows it.
   * @throws any error when the provider cannot answer (the caller keeps what it knew)
   */
  emailOf(customer: SignedInCustomer): Promise<IdentityEmail>;
}

/** Two spellings of one mailbox: e-mail addresses compare without regard to case. */
export const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
