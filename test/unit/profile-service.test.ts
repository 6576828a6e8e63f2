import type { IdentityEmail, IdentityProvider } from '../../shared/domain/customers/identity';
import { createProfileService } from '../../shared/domain/customers/profile-service';
import { inMemoryProfiles } from '../support/in-memory-customer-repositories';

const clock = { now: () => new Date('2026-11-20T10:00:00.000Z') };
const address = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Sq',
  line2: null,
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/** An identity provider whose users the test sets, counting its calls; `down` makes it fail. */
function fakeIdentity() {
  const users = new Map<string, IdentityEmail>();
  const state = { calls: 0, down: false };
  const identity: IdentityProvider = {
    async emailOf({ sub, accessToken }) {
      state.calls++;
      if (accessToken !== `token-of-${sub}`) throw new Error('GetUser got another customer’s token');
      if (state.down) throw new Error('identity provider unreachable');
      return users.get(sub) ?? { email: null, verified: false };
    },
  };
  return { identity, users, state };
}

const customer = (sub: string) => ({ sub, accessToken: `token-of-${sub}` });

function setup() {
  const store = inMemoryProfiles();
  const idp = fakeIdentity();
  const failures: unknown[] = [];
  const profiles = createProfileService({
    profiles: store.profiles,
    identity: idp.identity,
    clock,
    onLookupFailure: (error) => failures.push(error),
  });
  return { store, idp, profiles, failures };
}

describe('profile service', () => {
  it('creates a profile on first read with the identity provider’s verified e-mail and nothing else', async () => {
    const { profiles, store, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    const profile = await profiles.get(customer('c-1'));
    expect(profile).toEqual({
      sub: 'c-1',
      email: 'ada@example.com',
      emailVerified: true,
      name: null,
      defaultAddress: null,
    });
    expect(store.stored.get('c-1')).toEqual({
      sub: 'c-1',
      email: null,
      verifiedEmail: 'ada@example.com',
      name: null,
      defaultAddress: null,
    });
  });

  it('does not take an address the customer has not verified', async () => {
    const { profiles, store, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: false });
    expect(await profiles.get(customer('c-1'))).toMatchObject({ email: null, emailVerified: false });
    expect(await profiles.orderRecipient(customer('c-1'))).toBeNull();
    expect(store.stored.get('c-1')?.verifiedEmail).toBeNull();
  });

  it('shows an address set with PUT as not verified, and never makes it the order recipient', async () => {
    const { profiles, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    const changed = await profiles.update(customer('c-1'), { email: 'stranger@example.org' });
    expect(changed).toMatchObject({ email: 'stranger@example.org', emailVerified: false });
    expect(await profiles.orderRecipient(customer('c-1'))).toBe('ada@example.com');
  });

  it('shows the verified address as verified when the customer sets it (in any case) or clears theirs', async () => {
    const { profiles, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    expect(await profiles.update(customer('c-1'), { email: 'Ada@Example.com' })).toMatchObject({
      email: 'Ada@Example.com',
      emailVerified: true,
    });
    expect(await profiles.update(customer('c-1'), { email: null })).toMatchObject({
      email: 'ada@example.com',
      emailVerified: true,
    });
  });

  it('answers checkout from the cached verified address without asking the identity provider again', async () => {
    const { profiles, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    expect(await profiles.orderRecipient(customer('c-1'))).toBe('ada@example.com');
    expect(idp.state.calls).toBe(1);
    for (let i = 0; i < 5; i++) expect(await profiles.orderRecipient(customer('c-1'))).toBe('ada@example.com');
    await profiles.get(customer('c-1'));
    expect(idp.state.calls).toBe(1);
  });

  it('tells checkout the address before a first order’s profile is written, and keeps it once', async () => {
    const { profiles, store, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const create = store.profiles.createIfAbsent.bind(store.profiles);
    store.profiles.createIfAbsent = async (...args) => {
      await gate;
      return create(...args);
    };

    const lookup = profiles.recipientLookup(customer('c-1'));
    expect(await lookup.address).toBe('ada@example.com');
    expect(store.stored.has('c-1')).toBe(false);
    release();
    await lookup.kept;
    expect(store.stored.get('c-1')?.verifiedEmail).toBe('ada@example.com');
    expect(await profiles.orderRecipient(customer('c-1'))).toBe('ada@example.com');
    expect(idp.state.calls).toBe(1);
  });

  it('asks again while no verified address is known, and keeps it once the customer verified one', async () => {
    const { profiles, idp, store } = setup();
    expect(await profiles.orderRecipient(customer('c-1'))).toBeNull();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    expect(await profiles.orderRecipient(customer('c-1'))).toBe('ada@example.com');
    expect(store.stored.get('c-1')?.verifiedEmail).toBe('ada@example.com');
    expect(idp.state.calls).toBe(2);
  });

  it('refreshes the verified address on every PUT: a changed, unverified account address is no longer mailed', async () => {
    const { profiles, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    await profiles.get(customer('c-1'));
    idp.users.set('c-1', { email: 'new@example.com', verified: false });
    await profiles.update(customer('c-1'), { name: 'Ada' });
    expect(await profiles.orderRecipient(customer('c-1'))).toBeNull();
    idp.users.set('c-1', { email: 'new@example.com', verified: true });
    expect(await profiles.orderRecipient(customer('c-1'))).toBe('new@example.com');
  });

  it('when the identity provider is down: keeps what the profile knew, reports it, and checkout goes on', async () => {
    const { profiles, idp, failures, store } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    await profiles.get(customer('c-1'));
    idp.state.down = true;
    expect(await profiles.update(customer('c-1'), { name: 'Ada' })).toMatchObject({
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada',
    });
    expect(await profiles.orderRecipient(customer('c-2'))).toBeNull();
    expect(await profiles.get(customer('c-3'))).toMatchObject({ email: null, emailVerified: false });
    expect(failures).toHaveLength(3);
    expect(store.stored.get('c-1')?.verifiedEmail).toBe('ada@example.com');
  });

  it('checkout reads the profile eventually consistently; a stale miss still ends with the stored address', async () => {
    const { profiles, store, idp } = setup();
    idp.users.set('c-1', { email: 'ada@example.com', verified: true });
    await profiles.get(customer('c-1'));
    const realGet = store.profiles.get;
    const modes: string[] = [];
    // An eventually consistent read that has not seen the profile yet.
    store.profiles.get = async (sub, options) => {
      modes.push(options?.eventual ? 'eventual' : 'strong');
      return options?.eventual ? null : realGet(sub);
    };
    expect(await profiles.orderRecipient(customer('c-1'))).toBe('ada@example.com');
    expect(modes).toEqual(['eventual', 'strong']);
  });

  it('checkout gets null rather than an error when the profile cannot be read', async () => {
    const { profiles, store, failures } = setup();
    store.profiles.get = () => Promise.reject(new Error('table unavailable'));
    expect(await profiles.orderRecipient(customer('c-1'))).toBeNull();
    expect(failures).toHaveLength(1);
  });

  it('returns the stored profile when a concurrent first read created it meanwhile', async () => {
    const { profiles, store, idp } = setup();
    idp.users.set('c-1', { email: 'loser@example.com', verified: true });
    // The first read sees nothing; another request creates the profile before this one writes.
    const realGet = store.profiles.get;
    let reads = 0;
    store.profiles.get = async (sub) => {
      reads++;
      if (reads === 1) {
        await store.profiles.createIfAbsent(
          { sub, email: null, verifiedEmail: 'winner@example.com', name: null, defaultAddress: null },
          clock.now().toISOString(),
        );
        return null;
      }
      return realGet(sub);
    };
    const profile = await profiles.get(customer('c-1'));
    expect(profile.email).toBe('winner@example.com');
  });

  it('changes only the fields given and keeps the others', async () => {
    const { profiles } = setup();
    await profiles.update(customer('c-1'), { name: 'Ada', defaultAddress: address });
    const profile = await profiles.update(customer('c-1'), { email: 'ada@example.com' });
    expect(profile).toEqual({
      sub: 'c-1',
      email: 'ada@example.com',
      emailVerified: false,
      name: 'Ada',
      defaultAddress: address,
    });
  });

  it('clears the default address with null', async () => {
    const { profiles } = setup();
    await profiles.update(customer('c-1'), { defaultAddress: address });
    expect((await profiles.update(customer('c-1'), { defaultAddress: null })).defaultAddress).toBeNull();
  });

  it('creates the profile when an update comes first, with the verified address', async () => {
    const { profiles, idp } = setup();
    idp.users.set('c-2', { email: 'grace@example.com', verified: true });
    const profile = await profiles.update(customer('c-2'), { name: 'Grace' });
    expect(profile).toEqual({
      sub: 'c-2',
      email: 'grace@example.com',
      emailVerified: true,
      name: 'Grace',
      defaultAddress: null,
    });
  });
});
