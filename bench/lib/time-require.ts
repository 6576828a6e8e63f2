import { execFile } from 'node:child_process';
import path from 'node:path';
import { trackChild, untrackChild } from '../../scripts/local/child-processes';

/** A cold import that takes longer than this is a hang, not a measurement. */
const CHILD_TIMEOUT_MS = 15_000;

/**
 * Requires `file` in a fresh Node process and returns how long the `require` took, in ns, as
 * measured inside that process: process start-up is left out, module loading, parsing and
 * top-level code are in. The child gets `env` and nothing else (no NODE_OPTIONS, no compile
 * cache), and runs in the bundle's directory, as Lambda runs in /var/task.
 */
export function timeRequire(file: string, exportName: string, env: Record<string, string>): Promise<bigint> {
  const script = [
    'const start = process.hrtime.bigint();',
    `const loaded = require(${JSON.stringify(file)});`,
    'const elapsed = process.hrtime.bigint() - start;',
    `if (typeof loaded[${JSON.stringify(exportName)}] !== 'function') throw new Error('no handler export');`,
    'process.stdout.write(String(elapsed));',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', script],
      { env, cwd: path.dirname(file), timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (child.pid !== undefined) untrackChild(child.pid);
        if (error) {
          reject(new Error(`cold import of ${file} failed: ${error.message}\n${stderr}`));
          return;
        }
        if (!/^\d+$/.test(stdout)) {
          reject(new Error(`cold import of ${file} printed ${JSON.stringify(stdout)}`));
          return;
        }
        resolve(BigInt(stdout));
      },
    );
    // Tracked so that an interrupted bench takes its children down with it.
    if (child.pid !== undefined) trackChild(child.pid, { group: false });
  });
}
