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

function setup() {
  const store = inMemoryProfiles();
  return { store, profiles: createProfileService({ profiles: store.profiles, clock }) };
}

describe('profile service', () => {
  it('creates a profile on first read with the token’s e-mail and nothing else', async () => {
    const { profiles, store } = setup();
    const profile = await profiles.get({ sub: 'c-1', email: 'ada@example.com' });
    expect(profile).toEqual({ sub: 'c-1', email: 'ada@example.com', name: null, defaultAddress: null });
    expect(store.stored.get('c-1')).toEqual(profile);
  });

  it('creates the profile with a null e-mail when the token has none', async () => {
    const { profiles } = setup();
    expect((await profiles.get({ sub: 'c-1', email: null })).email).toBeNull();
  });

  it('never overwrites a stored profile with the token’s claims on later reads', async () => {
    const { profiles } = setup();
    await profiles.update({ sub: 'c-1', email: 'old@example.com' }, { email: 'new@example.com', name: 'Ada' });
    const profile = await profiles.get({ sub: 'c-1', email: 'old@example.com' });
    expect(profile).toMatchObject({ email: 'new@example.com', name: 'Ada' });
  });

  it('returns the stored profile when a concurrent first read created it meanwhile', async () => {
    const { profiles, store } = setup();
    // The first read sees nothing; another request creates the profile before this one writes.
    const realGet = store.profiles.get;
    let reads = 0;
    store.profiles.get = async (sub) => {
      reads++;
      if (reads === 1) {
        await store.profiles.createIfAbsent(
          { sub, email: 'winner@example.com', name: null, defaultAddress: null },
          clock.now().toISOString(),
        );
        return null;
      }
      return realGet(sub);
    };
    const profile = await profiles.get({ sub: 'c-1', email: 'loser@example.com' });
    expect(profile.email).toBe('winner@example.com');
  });

  it('changes only the fields given and keeps the others', async () => {
    const { profiles } = setup();
    await profiles.update({ sub: 'c-1', email: null }, { name: 'Ada', defaultAddress: address });
    const profile = await profiles.update({ sub: 'c-1', email: null }, { email: 'ada@example.com' });
    expect(profile).toEqual({ sub: 'c-1', email: 'ada@example.com', name: 'Ada', defaultAddress: address });
  });

  it('clears the default address with null', async () => {
    const { profiles } = setup();
    await profiles.update({ sub: 'c-1', email: null }, { defaultAddress: address });
    expect((await profiles.update({ sub: 'c-1', email: null }, { defaultAddress: null })).defaultAddress).toBeNull();
  });

  it('creates the profile when an update comes first, starting from the token’s e-mail', async () => {
    const { profiles } = setup();
    const profile = await profiles.update({ sub: 'c-2', email: 'grace@example.com' }, { name: 'Grace' });
    expect(profile).toEqual({ sub: 'c-2', email: 'grace@example.com', name: 'Grace', defaultAddress: null });
  });
});
