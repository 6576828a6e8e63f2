import { notificationService } from '../../shared/container/notifications';
import { notificationRecordHandler } from '../../shared/workers/order-work-jobs';
import { sqsBatchHandler } from '../../shared/workers/sqs-batch';

/** Notification queue → one e-mail per order event (SES in AWS, files in `.local/outbox/` locally). */
export const handler = sqsBatchHandler(notificationRecordHandler(notificationService));
