import type { Profile, ProfileChanges } from './profile';

export interface ProfileRepository {
  /**
   * The customer's profile, or null when there is none: strongly consistent unless `eventual`
   * (half the read cost; may not see a write of the last second).
   */
  get(sub: string, options?: { eventual?: boolean }): Promise<Profile | null>;
  /** Stores `profile` only if the customer has none yet. @returns false when one existed (nothing written). */
  createIfAbsent(profile: Profile, now: string): Promise<boolean>;
  /**
   * Applies `changes` in one atomic write, creating the profile from `initial` when there is none;
   * fields not in `changes` keep their stored value. @returns the profile as stored afterwards.
   */
  update(initial: Profile, changes: ProfileChanges, now: string): Promise<Profile>;
  /** Deletes the profile (no error when there is none). */
  delete(sub: string): Promise<void>;
}
