import { createDynamoOrderRepository } from '../adapters/dynamo/dynamo-order-repository';
import { createDynamoProfileRepository } from '../adapters/dynamo/dynamo-profile-repository';
import { createFileEmailSender } from '../adapters/email/file-email-sender';
import { createSesClient, createSesEmailSender } from '../adapters/email/ses-email-sender';
import { config } from '../config';
import { createNotificationService } from '../domain/notifications/notification-service';
import { pacedEmailSender } from '../domain/notifications/paced-email-sender';
import { systemClock } from '../lib/clock';
import { once } from '../lib/once';
import { table } from './clients';
import { workOutbox } from './orders';
import { returnRepository } from './returns';

/**
 * The notification worker's mailer (EMAIL_TRANSPORT): Amazon SES in AWS, paced at this instance's
 * share of the account's sending rate (EMAIL_SENDS_PER_SECOND over the worker's maximum concurrency);
 * under `npm start` and in tests, `.eml` files in the outbox directory.
 */
export const emailSender = /* @__PURE__ */ once(() => {
  const { region, email } = config();
  return email.transport === 'file'
    ? createFileEmailSender({ dir: email.outboxDir, from: email.from, clock: systemClock })
    : pacedEmailSender(
        createSesEmailSender({
          client: createSesClient(region),
          from: email.from,
          configurationSet: email.configurationSet,
        }),
        // Within the worker's 10 s: a batch of 10 at the default share (7 per second) waits 1.3 s at most.
        { perSecond: email.sendsPerSecondPerInstance, maxWaitMs: 5000 },
      );
});

/** The notification worker's service: one e-mail per order event, and per step of a return. */
export const notificationService = /* @__PURE__ */ once(() =>
  createNotificationService({
    orders: createDynamoOrderRepository(table().db, table().name),
    returns: returnRepository(),
    profiles: createDynamoProfileRepository(table().db, table().name),
    outbox: workOutbox(),
    email: emailSender(),
    clock: systemClock,
    shopName: config().email.shopName,
    // Below the notification queue's 60 s visibility timeout: a redelivery after a crash can claim it.
    claimSeconds: 45,
  }),
);
