import type { Email, EmailSender } from '../../shared/domain/notifications/email-sender';
import { pacedEmailSender, SendRateExceededError } from '../../shared/domain/notifications/paced-email-sender';

const email = (n: number): Email => ({
  to: `customer-${n}@example.com`,
  subject: 'Your order',
  text: 'text',
  html: '<p>html</p>',
  idempotencyKey: `order-${n}-PAID`,
});

/** A clock that only moves when the sender sleeps, and a provider that records when each send happened. */
function harness() {
  let nowMs = 1_000_000;
  const sentAt: number[] = [];
  const provider: EmailSender = {
    async send() {
      sentAt.push(nowMs);
    },
  };
  const sleeps: number[] = [];
  const options = {
    clock: { now: () => new Date(nowMs) },
    // Sleeps resolve in the order they were asked for, each moving the clock to its own wake-up.
    sleep: async (ms: number) => {
      sleeps.push(ms);
      const wake = nowMs + ms;
      await Promise.resolve();
      nowMs = Math.max(nowMs, wake);
    },
  };
  return { provider, sentAt, sleeps, options, advance: (ms: number) => (nowMs += ms) };
}

describe('the paced e-mail sender', () => {
  it('spaces a burst of sends evenly at its rate', async () => {
    const { provider, sentAt, options } = harness();
    const sender = pacedEmailSender(provider, { perSecond: 5, maxWaitMs: 5000, ...options });

    for (let n = 0; n < 6; n++) await sender.send(email(n));

    const gaps = sentAt.slice(1).map((at, i) => at - (sentAt[i] as number));
    expect(sentAt).toHaveLength(6);
    expect(gaps).toEqual([200, 200, 200, 200, 200]);
  });

  it('gives concurrent sends successive slots, none sooner than the rate allows', async () => {
    const { provider, sleeps, options } = harness();
    const sender = pacedEmailSender(provider, { perSecond: 10, maxWaitMs: 5000, ...options });

    await Promise.all([0, 1, 2, 3].map((n) => sender.send(email(n))));

    // The first goes at once; the others wait for their own slot, 100 ms apart.
    expect(sleeps).toEqual([100, 200, 300]);
  });

  it('sends at once again after a pause', async () => {
    const { provider, sleeps, options, advance } = harness();
    const sender = pacedEmailSender(provider, { perSecond: 2, maxWaitMs: 5000, ...options });

    await sender.send(email(1));
    advance(2000);
    await sender.send(email(2));

    expect(sleeps).toEqual([]);
  });

  it('refuses (transiently) a send that would wait longer than allowed, and sends nothing for it', async () => {
    const { provider, sentAt, options } = harness();
    const sender = pacedEmailSender(provider, { perSecond: 1, maxWaitMs: 2500, ...options });

    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((n) => sender.send(email(n))));

    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(SendRateExceededError);
    expect(sentAt).toHaveLength(3);
  });

  it('passes the provider’s refusals through unchanged', async () => {
    const refusal = new Error('Throttling');
    const failing: EmailSender = {
      send: async () => {
        throw refusal;
      },
    };
    const sender = pacedEmailSender(failing, { perSecond: 10, maxWaitMs: 1000 });

    await expect(sender.send(email(1))).rejects.toBe(refusal);
  });

  it('insists on a positive rate', () => {
    const { provider } = harness();
    expect(() => pacedEmailSender(provider, { perSecond: 0, maxWaitMs: 1000 })).toThrow(RangeError);
  });
});
