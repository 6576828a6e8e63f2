import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../domain/webhooks/webhook-url-policy';

/** Every address the system resolver gives for a host (both families); an IP literal gives itself. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
