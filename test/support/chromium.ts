import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The Chromium the browser tests drive (puppeteer-core downloads none): CHROMIUM_PATH, or
 * `chromium` / `chromium-browser` on the PATH (`bash scripts/ensure-chromium.sh` installs Debian's).
 */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured}: no such file`);
    return configured;
  }
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const found = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not on the PATH: try the next name
    }
  }
  throw new Error('no Chromium found: run `bash scripts/ensure-chromium.sh` (as root on Debian), or set CHROMIUM_PATH');
}
