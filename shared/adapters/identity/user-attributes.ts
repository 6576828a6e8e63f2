import type { IdentityEmail } from '../../domain/customers/identity';

/** A user as Cognito's GetUser answers it (the part we read); the local user directory stores the same. */
export interface CognitoUser {
  Username?: string;
  UserAttributes?: Array<{ Name?: string; Value?: string }>;
}

/** The e-mail of a user's attributes: `email`, verified only when `email_verified` is `"true"`. */
export function emailOfUser(user: CognitoUser): IdentityEmail {
  const attribute = (name: string) => user.UserAttributes?.find((entry) => entry.Name === name)?.Value;
  const email = attribute('email')?.trim() || null;
  return { email, verified: email !== null && attribute('email_verified') === 'true' };
}
