/**
 * Child-process entry of the bench's payment gateway (see gateway-child.ts): the sandbox of
 * `npm start` (scripts/local/sandbox-gateway.ts) on the given loopback port, with its default
 * secret, until the bench stops it or goes away.
 */
import { startSandboxGateway } from '../../scripts/local/sandbox-gateway';
import { serveUntilParentGoes } from './server-child';

serveUntilParentGoes('gateway-server', async () => {
  const gateway = await startSandboxGateway({ port: Number(process.argv[2]) });
  return { endpoint: gateway.url, stop: gateway.stop };
});
