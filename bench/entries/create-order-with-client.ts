/**
 * The `create-order` function exactly as deployed, plus the DynamoDB client its composition root
 * builds, so that the capacity measure can instrument the very client the handler sends through.
 * Bundled with the deployment options (bench/lib/build-bundles.ts), like the function itself.
 */
export { handler } from '../../functions/http/create-order';
export { dynamoClient } from '../../shared/container/clients';
