import { isPublicAddress, webhookUrlProblem } from '../../shared/domain/webhooks/webhook-url-policy';

/** A resolver of fixed answers, as a DNS name can be made to answer (a rebinding attacker's). */
const resolverOf =
  (answers: Record<string, string[]>) =>
  async (hostname: string): Promise<string[]> => {
    const found = answers[hostname];
    if (!found) throw new Error(`ENOTFOUND ${hostname}`);
    return found;
  };
const dns = resolverOf({
  'erp.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'sneaky.example.com': ['93.184.216.34', '127.0.0.1'],
  'inside.example.com': ['10.1.2.3'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
  '169.254.169.254': ['169.254.169.254'],
  '10.0.0.1': ['10.0.0.1'],
  '::1': ['::1'],
  '127.0.0.1': ['127.0.0.1'],
});
const inAws = (url: string) => webhookUrlProblem(url, { local: false, resolve: dns });
const locally = (url: string) => webhookUrlProblem(url, { local: true, resolve: dns });

describe('where webhooks may go (SSRF defence)', () => {
  it('accepts an https URL whose host resolves to public addresses only', async () => {
    expect(await inAws('https://erp.example.com/hooks/cartwheel')).toBeUndefined();
  });

  it.each([
    ['the metadata service', 'https://169.254.169.254/latest/meta-data/'],
    ['a private address', 'https://10.0.0.1/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['a name resolving to loopback among public addresses', 'https://sneaky.example.com/hook'],
    ['a name resolving to a private address', 'https://inside.example.com/hook'],
    ['an IPv4-mapped metadata address', 'https://mapped.example.com/hook'],
  ])('refuses %s in AWS', async (_name, url) => {
    expect(await inAws(url)).toBe('reaches a private, loopback, link-local or reserved address');
  });

  it('refuses http, other schemes, credentials, hosts that do not resolve, and what is not a URL', async () => {
    expect(await inAws('http://erp.example.com/hook')).toBe('must be https');
    expect(await inAws('http://127.0.0.1:8080/hook')).toBe('must be https');
    expect(await inAws('ftp://erp.example.com/hook')).toBe('must be https');
    expect(await inAws('https://user:pw@erp.example.com/hook')).toBe('must not carry credentials');
    expect(await inAws('https://nowhere.example.com/hook')).toBe('has a host that does not resolve');
    expect(await inAws('not a url')).toBe('is not a URL');
  });

  it('allows this machine’s loopback over http in local mode only, and still refuses other private addresses', async () => {
    expect(await locally('http://127.0.0.1:8123/hook')).toBeUndefined();
    expect(await locally('http://localhost:8123/hook')).toBeUndefined();
    expect(await locally('https://erp.example.com/hook')).toBeUndefined();
    expect(await locally('http://10.0.0.1/hook')).toBe('must be https, or http://127.0.0.1:<port> locally');
    expect(await locally('https://inside.example.com/hook')).toBe(
      'reaches a private, loopback, link-local or reserved address',
    );
  });

  it('tells public addresses from the reserved ranges', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: true });
    for (const address of [
      '0.0.0.0',
      '127.0.0.53',
      '169.254.169.254',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '::',
      '::1',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:10.0.0.1',
      'not-an-address',
    ])
      expect({ address, public: isPublicAddress(address) }).toEqual({ address, public: false });
  });
});
