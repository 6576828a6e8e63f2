import { createHmac } from 'node:crypto';

/**
 * The endpoint's signing secret: derived from the shop's webhook key (an SSM SecureString in AWS)
 * and the endpoint's id, never stored. Only functions that may read the key can compute it; the API
 * shows it once, when the endpoint is created, and a leaked table copy holds no secret.
 */
export const endpointSecret = (key: string, endpointId: string): string =>
  `whsec_${createHmac('sha256', key).update(`webhook-endpoint:${endpointId}`).digest('base64url')}`;
