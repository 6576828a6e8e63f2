/** The caller of a request, from a verified access token. */
export interface Principal {
  sub: string;
  groups: string[];
  isAdmin: boolean;
  /**
   * The verified access token itself, for the one call made on the customer's behalf (the identity
   * provider's GetUser). Never logged or stored.
   */
  accessToken: string;
}

export const ADMIN_GROUP = 'admin';

/**
 * Builds a principal from verified Cognito-shaped claims. An access token says who the caller is
 * and which groups they are in, nothing more: Cognito puts no `email` in it, so none is read here
 * even if a token carries one (the verified address comes from the identity provider).
 */
export function principalFromClaims(claims: Record<string, unknown>, accessToken: string): Principal {
  const groupsClaim = claims['cognito:groups'];
  const groups = Array.isArray(groupsClaim) ? groupsClaim.filter((g): g is string => typeof g === 'string') : [];
  return { sub: String(claims.sub), groups, isAdmin: groups.includes(ADMIN_GROUP), accessToken };
}
