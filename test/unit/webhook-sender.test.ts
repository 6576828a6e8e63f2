import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { createHttpWebhookSender, pinnedLookup } from '../../shared/adapters/webhooks/http-webhook-sender';
import type { HostResolver } from '../../shared/domain/webhooks/webhook-url-policy';
import { startWebhookReceiver } from '../support/webhook-receiver';

/**
 * The SSRF defence at delivery time (contract §5.7): the URL policy runs again before every POST,
 * after DNS resolution, the connection goes only to an address that was checked, and no redirect
 * is followed. A TCP listener on 127.0.0.1 stands for the private service an attacker aims at: it
 * must never see a connection.
 */
describe('webhook sender: SSRF checks at every delivery', () => {
  let target: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    target = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    port = (target.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

  /** A name that resolves to this machine's loopback (DNS rebinding, or a hostile record). */
  const hostileDns: HostResolver = async (host) => (host === 'rebind.example.com' ? ['127.0.0.1'] : [host]);
  const aws = createHttpWebhookSender({ local: false, resolve: hostileDns });
  const post = (url: string, sender = aws) => sender.post(url, '{}', { 'content-type': 'application/json' }, 1000);

  it.each([
    ['the instance metadata service', 'https://169.254.169.254/latest/meta-data/'],
    ['a private address', 'https://10.0.0.1/hooks'],
    ['IPv6 loopback', () => `https://[::1]:${port}/hooks`],
    ['IPv4-mapped loopback', () => `https://[::ffff:127.0.0.1]:${port}/hooks`],
    ['a name resolving to 127.0.0.1', () => `https://rebind.example.com:${port}/hooks`],
    ['plain http', () => `http://127.0.0.1:${port}/hooks`],
  ])('refuses %s in AWS mode without connecting', async (_what, url) => {
    const before = connections;
    const outcome = await post(typeof url === 'function' ? url() : url);
    expect(outcome).toEqual({ error: expect.stringMatching(/^refused: the URL /), durationMs: expect.any(Number) });
    expect(connections).toBe(before);
  });

  it('does not follow a redirect, not even to an address it may reach', async () => {
    const elsewhere = await startWebhookReceiver();
    const bouncer = await startWebhookReceiver([{ redirect: `${elsewhere.url}/private` }]);
    try {
      const local = createHttpWebhookSender({ local: true, resolve: hostileDns });
      const outcome = await post(`${bouncer.url}/hooks`, local);
      expect(outcome).toEqual({ status: 302, durationMs: expect.any(Number) });
      expect(bouncer.received).toHaveLength(1);
      expect(elsewhere.received).toHaveLength(0);
    } finally {
      await Promise.all([elsewhere.stop(), bouncer.stop()]);
    }
  });

  it('connects through the pinned lookup with the addresses it checked, never resolving the name again', async () => {
    const before = connections;
    const asked: Array<{ hostname: string; addresses: string[] }> = [];
    const publicDns: HostResolver = async () => ['1.1.1.1'];
    const sender = createHttpWebhookSender({
      local: false,
      resolve: publicDns,
      // Records what the request's socket looks up, and sends it to this machine's listener instead.
      lookupFor: (addresses) => (hostname, options, callback) => {
        asked.push({ hostname, addresses });
        pinnedLookup(['127.0.0.1'])(hostname, options, callback);
      },
    });
    const outcome = await post(`https://shop.example.com:${port}/hooks`, sender);
    expect(asked).toEqual([{ hostname: 'shop.example.com', addresses: ['1.1.1.1'] }]);
    expect(connections).toBe(before + 1);
    expect(outcome).toEqual({ error: expect.any(String), durationMs: expect.any(Number) });
  });

  it('counts the name’s resolution against the timeout', async () => {
    const stuckDns: HostResolver = () => new Promise(() => {});
    const sender = createHttpWebhookSender({ local: false, resolve: stuckDns });
    const outcome = await sender.post('https://slow-dns.example.com/hooks', '{}', {}, 200);
    expect(outcome).toEqual({ error: 'no answer within 200 ms', durationMs: expect.any(Number) });
  });

  it('connects to the checked addresses only: the socket’s lookup answers with them, not with DNS', async () => {
    const lookup = pinnedLookup(['203.0.114.7', '2001:4860::8888']);
    const one = await new Promise((resolve) =>
      lookup('anything.example.com', {}, (error, address, family) => resolve({ error, address, family })),
    );
    expect(one).toEqual({ error: null, address: '203.0.114.7', family: 4 });
    const all = await new Promise((resolve) =>
      lookup('anything.example.com', { all: true }, (error, addresses) => resolve({ error, addresses })),
    );
    expect(all).toEqual({
      error: null,
      addresses: [
        { address: '203.0.114.7', family: 4 },
        { address: '2001:4860::8888', family: 6 },
      ],
    });
  });
});
