import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/local/paths';

/**
 * `serverless package --stage ci` once for the template project (about 25 s), into a folder of its
 * own: the tests read the CloudFormation template exactly as `serverless deploy` would send it.
 */
export default async function templateGlobalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cartwheel-template-'));
  execFileSync('bash', ['scripts/package.sh', '--package', dir], { cwd: repoRoot, stdio: 'pipe' });
  process.env.CARTWHEEL_PACKAGE_DIR = dir;
}
