/** The caller of a request, from a verified access token. */
export interface Principal {
  sub: string;
  email: string | null;
  groups: string[];
  isAdmin: boolean;
}

export const ADMIN_GROUP = 'admin';

/** Builds a principal from verified Cognito-shaped claims. */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const groupsClaim = claims['cognito:groups'];
  const groups = Array.isArray(groupsClaim) ? groupsClaim.filter((g): g is string => typeof g === 'string') : [];
  const email = typeof claims.email === 'string' ? claims.email : null;
  return { sub: String(claims.sub), email, groups, isAdmin: groups.includes(ADMIN_GROUP) };
}
