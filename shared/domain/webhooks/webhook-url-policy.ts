import { BlockList, isIP } from 'node:net';

/**
 * Where Cartwheel may send webhooks (contract §5.7, SSRF defence): in AWS only `https` URLs whose
 * host resolves to public addresses; never a private, loopback, link-local, metadata or otherwise
 * reserved address, checked at registration and again before every delivery (a name can be made to
 * resolve elsewhere later). Locally `http://127.0.0.1:<port>` (and `localhost`) is allowed too, for
 * developers' receivers.
 */

/** Every address of a host name (A and AAAA); an IP literal resolves to itself. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** Ranges no webhook may reach: not the public internet, or the cloud's own services. */
const REFUSED = /* @__PURE__ */ (() => {
  const list = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8], // "this network"
    ['10.0.0.0', 8], // private
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local, the instance metadata service (169.254.169.254)
    ['172.16.0.0', 12], // private
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // documentation
    ['192.168.0.0', 16], // private
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // documentation
    ['203.0.113.0', 24], // documentation
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, broadcast
  ] as const)
    list.addSubnet(network, prefix, 'ipv4');
  for (const [network, prefix] of [
    ['::', 128], // unspecified
    ['::1', 128], // loopback
    ['64:ff9b::', 96], // NAT64 (reaches IPv4 inside)
    ['100::', 64], // discard
    ['2001:db8::', 32], // documentation
    ['fc00::', 7], // unique local
    ['fe80::', 10], // link-local
    ['ff00::', 8], // multicast
    ['fd00:ec2::254', 128], // the EC2 metadata service over IPv6 (inside fc00::/7 already)
  ] as const)
    list.addSubnet(network, prefix, 'ipv6');
  return list;
})();

/** Whether the address is on the public internet (IPv4-mapped IPv6 is judged as its IPv4). */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  const ip = mapped ?? bare;
  const family = isIP(ip);
  if (family === 0) return false;
  return !REFUSED.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why Cartwheel must not send to this URL, or undefined when it may.
 * @param local local mode (`npm start`): `http://` to this machine's loopback is allowed as well.
 */
export async function webhookUrlProblem(
  raw: string,
  { local, resolve }: { local: boolean; resolve: HostResolver },
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  const loopback = local && LOCAL_HOSTS.has(url.hostname);
  if (loopback) return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'must be http(s)';
  if (url.protocol !== 'https:') return local ? 'must be https, or http://127.0.0.1:<port> locally' : 'must be https';
  let addresses: string[];
  try {
    addresses = await resolve(url.hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return 'has a host that does not resolve';
  }
  if (addresses.length === 0) return 'has a host that does not resolve';
  const refused = addresses.find((address) => !isPublicAddress(address));
  return refused === undefined ? undefined : 'reaches a private, loopback, link-local or reserved address';
}
