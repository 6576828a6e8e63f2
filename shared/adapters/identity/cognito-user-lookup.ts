import type { IdentityProvider } from '../../domain/customers/identity';
import { type CognitoUser, emailOfUser } from './user-attributes';

/** Cognito refused or failed the call; `type` is its error name (NotAuthorizedException, ...). */
export class CognitoLookupError extends Error {
  override name = 'CognitoLookupError';
  constructor(
    readonly status: number,
    readonly type: string,
  ) {
    super(`Cognito GetUser failed: ${status} ${type}`);
  }
}

/** The Cognito endpoint of a user pool's region (a pool id is `<region>_<id>`). */
export const cognitoEndpoint = (userPoolId: string): string =>
  `https://cognito-idp.${userPoolId.split('_')[0]}.amazonaws.com/`;

/**
 * Cognito's GetUser as one HTTPS call with the customer's access token (the access token is the
 * authorisation: no IAM permission, no request signing). The SDK's client for this one call would
 * cost create-order ~34 KiB of bundle and cold start (decision 0009). The token
 * needs the `aws.cognito.signin.user.admin` scope, which every token of the SRP flow carries.
 */
export function createCognitoUserLookup(options: {
  userPoolId: string;
  /** Tests: another endpoint than `https://cognito-idp.<region of the pool>.amazonaws.com/`. */
  endpoint?: string;
  timeoutMs?: number;
}): IdentityProvider {
  const url = options.endpoint ?? cognitoEndpoint(options.userPoolId);
  return {
    async emailOf({ accessToken }) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser',
        },
        body: JSON.stringify({ AccessToken: accessToken }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
      });
      const answer = (await response.json().catch(() => ({}))) as CognitoUser & { __type?: string };
      // The error's name, without the namespace some answers prefix it with (`...#NotAuthorizedException`).
      if (!response.ok)
        throw new CognitoLookupError(response.status, (answer.__type ?? 'unknown').split('#').pop() ?? '');
      return emailOfUser(answer);
    },
  };
}
