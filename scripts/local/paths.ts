import path from 'node:path';

/** The repository root (this file lives in scripts/local/). */
export const repoRoot = path.resolve(__dirname, '..', '..');

export interface LocalPaths {
  /** Everything `npm start` keeps between runs; `npm run reset` deletes it. */
  root: string;
  /** DynamoDB Local's database files (-dbPath). */
  dynamodb: string;
  /** The local token issuer: private.pem and jwks.json. */
  issuer: string;
  /** E-mails written by the local mailer. */
  outbox: string;
  /** Derived data that is safe to lose (the resolved serverless definition). */
  cache: string;
  /** Holds the pid of a running `npm start`, so reset and a second start can refuse. */
  pidFile: string;
  /** Pids and ports of a running `npm start`, for tools and the e2e harness. */
  stackFile: string;
}

/**
 * Where local data lives: `.local/` under the repository root, or `CARTWHEEL_LOCAL_DIR`,
 * so that tests run against a throw-away directory and never touch a developer's data.
 */
export function localPaths(env: NodeJS.ProcessEnv = process.env): LocalPaths {
  const override = env.CARTWHEEL_LOCAL_DIR;
  const root = override ? path.resolve(override) : path.join(repoRoot, '.local');
  return {
    root,
    dynamodb: path.join(root, 'dynamodb'),
    issuer: path.join(root, 'issuer'),
    outbox: path.join(root, 'outbox'),
    cache: path.join(root, 'cache'),
    pidFile: path.join(root, 'start.pid'),
    stackFile: path.join(root, 'stack.json'),
  };
}
