/**
 * Runs in every integration test file before it loads: the engines and environment come from
 * globalSetup, and each file starts from a freshly parsed configuration.
 */
import { resetConfig } from '../../shared/config';

if (!process.env.AWS_ENDPOINT_URL_DYNAMODB || !process.env.TABLE_NAME) {
  throw new Error(
    'integration tests need the engines started by test/support/global-setup.ts: run them with `npm run test:integration`',
  );
}

resetConfig();
