import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureIssuer } from '../../scripts/local/issuer';

/** One local issuer and e-mail outbox for the whole unit run (jest workers inherit the environment set here). */
export default async function unitGlobalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cartwheel-unit-issuer-'));
  ensureIssuer(dir);
  process.env.LOCAL_ISSUER_DIR = dir;
  process.env.EMAIL_OUTBOX_DIR = mkdtempSync(join(tmpdir(), 'cartwheel-unit-outbox-'));
}
