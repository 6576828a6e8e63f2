/** `npm run reset`: wipes the local data directory (database, issuer keys, outbox, caches). */
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localPaths, repoRoot } from './local/paths';
import { runningStartPid } from './local/pid-file';

function main(): void {
  const paths = localPaths();
  const running = runningStartPid(paths.pidFile);
  if (running !== undefined) {
    process.stderr.write(`npm start is running (pid ${running}) on ${paths.root}: stop it with Ctrl-C first.\n`);
    process.exit(1);
  }
  // CARTWHEEL_LOCAL_DIR can point anywhere: never wipe a directory that holds more than our data.
  const forbidden = [path.parse(paths.root).root, os.homedir(), repoRoot, path.dirname(repoRoot)];
  if (forbidden.includes(paths.root)) {
    process.stderr.write(`refusing to delete ${paths.root}: point CARTWHEEL_LOCAL_DIR at a directory of its own.\n`);
    process.exit(1);
  }
  if (!existsSync(paths.root)) {
    process.stdout.write(`nothing to reset: ${paths.root} does not exist.\n`);
    return;
  }
  rmSync(paths.root, { recursive: true, force: true });
  process.stdout.write(`removed ${paths.root}: the next npm start creates and seeds everything again.\n`);
}

main();
