import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { type Customer, initialProfile, type Profile, type ProfileChanges } from './profile';
import type { ProfileRepository } from './profile-ports';

// Creating loses at most to a concurrent create; a loop guards against an erasure in between.
const MAX_ATTEMPTS = 3;

export interface ProfileServiceDeps {
  profiles: ProfileRepository;
  clock: Clock;
}

export type ProfileService = ReturnType<typeof createProfileService>;

export function createProfileService({ profiles, clock }: ProfileServiceDeps) {
  return {
    /**
     * The customer's profile, created on first use from the token (e-mail claim, if any).
     * Concurrent first calls create it once: the losers of the conditional create read the winner's.
     */
    async get(customer: Customer): Promise<Profile> {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const stored = await profiles.get(customer.sub);
        if (stored) return stored;
        const initial = initialProfile(customer);
        if (await profiles.createIfAbsent(initial, clock.now().toISOString())) return initial;
      }
      throw new AppError(503, 'CONTENTION', 'Too much contention', {
        detail: 'Your profile is changing concurrently; try again.',
        headers: { 'Retry-After': '1' },
      });
    },

    /**
     * Changes some fields of the customer's profile (null clears a field), creating the profile
     * first if there is none. Fields not given keep their value, even under concurrent updates.
     */
    update(customer: Customer, changes: ProfileChanges): Promise<Profile> {
      return profiles.update(initialProfile(customer), changes, clock.now().toISOString());
    },
  };
}
