import { sleep as realSleep } from '../../lib/backoff';
import { type Clock, systemClock } from '../../lib/clock';
import type { EmailSender } from './email-sender';

/**
 * The send rate of one notification-worker instance. SES limits sends per second for the whole
 * account (14 until raised), and a burst past it is throttled: the SDK's three attempts soon give
 * up, the message is retried, and after a few deliveries it is dead-lettered. So each instance
 * spaces its sends evenly at its share of the account's rate (the rate over the worker's maximum
 * concurrency: at most that many instances run at once), and the account's rate holds however
 * many instances are busy.
 */
export interface PacingOptions {
  /** Sends per second this instance may make. */
  perSecond: number;
  /** The longest a send waits for its turn; beyond that it fails (transient) and SQS retries it later. */
  maxWaitMs: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
}

/** The send would have waited longer than allowed for its turn: retry it later. */
export class SendRateExceededError extends Error {
  override readonly name = 'SendRateExceededError';
}

/** Wraps a sender so that this instance sends at most `perSecond` e-mails per second, evenly spaced. */
export function pacedEmailSender(sender: EmailSender, options: PacingOptions): EmailSender {
  const { perSecond, maxWaitMs } = options;
  if (!(perSecond > 0)) throw new RangeError(`perSecond must be positive, got ${perSecond}`);
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const spacingMs = 1000 / perSecond;
  /** When the next send may start (epoch ms): each send books the slot after the last one booked. */
  let nextSlot = 0;

  return {
    async send(email) {
      const now = clock.now().getTime();
      const slot = Math.max(now, nextSlot);
      if (slot - now > maxWaitMs) {
        throw new SendRateExceededError(`no send slot within ${maxWaitMs} ms at ${perSecond} per second`);
      }
      nextSlot = slot + spacingMs;
      if (slot > now) await sleep(slot - now);
      await sender.send(email);
    },
  };
}
