/**
 * `npm run invoke -- <function> [--event events/<file>.json]`: runs one function through
 * `serverless invoke local` against the engines of a running `npm start`, with a sample event
 * from events/. `{{ADMIN_TOKEN}}` and `{{CUSTOMER_TOKEN}}` in an event become fresh local tokens, and
 * `{{PAYMENT_SIGNATURE}}` a fresh webhook signature of the event's body.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_PAYMENT_WEBHOOK_SECRET } from '../shared/config';
import { mintToken } from './local/issuer';
import { withLocalAws } from './local/local-aws';
import { localPaths, repoRoot } from './local/paths';
import { signSampleEvent } from './local/sample-signature';

interface StackInfo {
  /** The environment `npm start` gives its functions: local engines, queues, issuer, sandbox gateway. */
  functionEnv: Record<string, string>;
}

function fail(message: string): never {
  process.stderr.write(`invoke: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const functionName = args.find((arg) => !arg.startsWith('--'));
if (!functionName) fail('usage: npm run invoke -- <function> [--event events/<file>.json]');
const eventIndex = args.indexOf('--event');
const eventFile = eventIndex >= 0 ? args[eventIndex + 1] : path.join('events', `${functionName}.json`);
if (!eventFile || !existsSync(path.resolve(repoRoot, eventFile))) fail(`no event file ${eventFile ?? ''}`);

const paths = localPaths();
if (!existsSync(paths.stackFile)) fail('start the local stack first (npm start) — invoke uses its engines');
const stack = JSON.parse(readFileSync(paths.stackFile, 'utf8')) as StackInfo;

const functionEnv = withLocalAws(process.env, stack.functionEnv);
const event = signSampleEvent(
  readFileSync(path.resolve(repoRoot, eventFile), 'utf8')
    .replaceAll('{{ADMIN_TOKEN}}', () => mintToken({ dir: paths.issuer, sub: 'invoke-admin', role: 'admin' }))
    .replaceAll('{{CUSTOMER_TOKEN}}', () => mintToken({ dir: paths.issuer, sub: 'invoke-customer', role: 'customer' })),
  functionEnv.PAYMENT_WEBHOOK_SECRET || LOCAL_PAYMENT_WEBHOOK_SECRET,
);

const serverless = path.join(path.dirname(require.resolve('serverless/package.json')), 'bin', 'serverless.js');
const workFolder = `.esbuild-invoke-${process.pid}`;
const result = spawnSync(
  process.execPath,
  [serverless, 'invoke', 'local', '--stage', 'local', '-f', functionName, '--data', event],
  {
    cwd: repoRoot,
    stdio: 'inherit',
    env: {
      ...functionEnv,
      ESBUILD_WORK_FOLDER: workFolder,
      // `invoke local` sets AWS_LAMBDA_FUNCTION_NAME like Lambda; say it is local, as serverless-offline
      // does, or the functions refuse the local stack's settings (shared/production-safety.ts).
      IS_OFFLINE: 'true',
      SLS_TELEMETRY_DISABLED: '1',
    },
  },
);
rmSync(path.join(repoRoot, workFolder), { recursive: true, force: true });
process.exit(result.status ?? 1);
