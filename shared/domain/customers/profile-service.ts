import { ContentionError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { CONFLICT, retryOnConflict } from '../../lib/retry-on-conflict';
import type { IdentityProvider, SignedInCustomer } from './identity';
import { initialProfile, type Profile, type ProfileEdit, type ProfileView, toProfileView } from './profile';
import type { ProfileRepository } from './profile-ports';

// Creating loses at most to a concurrent create; a loop guards against an erasure in between.
const MAX_ATTEMPTS = 3;

export interface ProfileServiceDeps {
  profiles: ProfileRepository;
  /** Where the verified e-mail address comes from (Cognito in AWS, the local user directory locally). */
  identity: IdentityProvider;
  clock: Clock;
  /**
   * Called when the identity provider did not answer (the profile keeps the address it knew), or
   * when an order's recipient could not be looked up at all (that order goes without e-mails).
   */
  onLookupFailure?: (error: unknown) => void;
}

export type ProfileService = ReturnType<typeof createProfileService>;

/** An order recipient being looked up: the address, and the profile write that keeps it. */
export interface RecipientLookup {
  address: Promise<string | null>;
  kept: Promise<void>;
}

export function createProfileService({ profiles, identity, clock, onLookupFailure }: ProfileServiceDeps) {
  /** The provider's verified address (null: none), or undefined when it could not be asked. */
  async function verifiedEmailOf(customer: SignedInCustomer): Promise<string | null | undefined> {
    try {
      const found = await identity.emailOf(customer);
      return found.verified && found.email ? found.email : null;
    } catch (error) {
      onLookupFailure?.(error);
      return undefined;
    }
  }

  /**
   * The stored profile, created on first use. A profile that knows a verified address is used as it
   * is (no call to the identity provider); one that knows none asks the provider and keeps its answer.
   * `eventual`: the first read may be eventually consistent (a stale one costs at most a provider
   * call and a refused create, after which every read is consistent). `known` hears the verified
   * address (or null) as soon as it is known, before the profile keeps it.
   */
  async function load(
    customer: SignedInCustomer,
    eventual = false,
    known?: (address: string | null) => void,
  ): Promise<Profile> {
    return retryOnConflict(
      async (attempt) => {
        const stored = await profiles.get(customer.sub, { eventual: eventual && attempt === 0 });
        if (stored?.verifiedEmail) return stored;
        const verified = await verifiedEmailOf(customer);
        known?.(verified ?? stored?.verifiedEmail ?? null);
        const now = clock.now().toISOString();
        if (stored) {
          if (verified === undefined || verified === stored.verifiedEmail) return stored;
          return profiles.update(initialProfile(customer.sub), { verifiedEmail: verified }, now);
        }
        // Concurrent first calls create it once: the losers of the conditional create read the winner's.
        const initial = initialProfile(customer.sub, verified ?? null);
        return (await profiles.createIfAbsent(initial, now)) ? initial : CONFLICT;
      },
      {
        attempts: MAX_ATTEMPTS,
        exhausted: () => {
          throw new ContentionError('Your profile is changing concurrently; try again.');
        },
      },
    );
  }

  /** See `recipientLookup` below. */
  function recipientLookup(customer: SignedInCustomer): RecipientLookup {
    let tell: (address: string | null) => void = () => undefined;
    const address = new Promise<string | null>((resolve) => {
      tell = resolve;
    });
    // The first answer stands (a promise settles once): the one `known` gives, or the profile's.
    const kept = load(customer, true, (found) => tell(found)).then(
      (profile) => tell(profile.verifiedEmail),
      (error: unknown) => {
        onLookupFailure?.(error);
        tell(null);
      },
    );
    return { address, kept };
  }

  return {
    /** The customer's profile, created on first use with their verified e-mail address (if any). */
    async get(customer: SignedInCustomer): Promise<ProfileView> {
      return toProfileView(await load(customer));
    },

    /**
     * Changes some fields of the customer's profile (null clears a field), creating the profile
     * first if there is none. Fields not given keep their value, even under concurrent updates.
     * Every change also asks the identity provider again, so a customer who changed and verified
     * their address there brings it here by saving their profile.
     */
    async update(customer: SignedInCustomer, changes: ProfileEdit): Promise<ProfileView> {
      const verified = await verifiedEmailOf(customer);
      const profile = await profiles.update(
        initialProfile(customer.sub, verified ?? null),
        { ...changes, ...(verified !== undefined && { verifiedEmail: verified }) },
        clock.now().toISOString(),
      );
      return toProfileView(profile);
    },

    /**
     * Where the customer's order e-mails go: their verified address, or null when none is known.
     * Checkout reads it from the profile (one eventually consistent read); only a profile without one
     * asks the identity provider. Never rejects: an order without an address is placed all the same.
     */
    async orderRecipient(customer: SignedInCustomer): Promise<string | null> {
      const lookup = recipientLookup(customer);
      await lookup.kept;
      return lookup.address;
    },

    /**
     * The same for a checkout that should not wait for the profile's write: `address` resolves as
     * soon as the address is known (a first order also creates the profile, and that write need not
     * come before the order's transaction); `kept` once the profile holds it. Neither rejects; the
     * caller must await `kept` before its invocation ends.
     */
    recipientLookup,
  };
}
