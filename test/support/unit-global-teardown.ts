import { rmSync } from 'node:fs';

export default async function unitGlobalTeardown(): Promise<void> {
  const dir = process.env.LOCAL_ISSUER_DIR;
  if (dir?.includes('cartwheel-unit-issuer-')) rmSync(dir, { recursive: true, force: true });
  const outbox = process.env.EMAIL_OUTBOX_DIR;
  if (outbox?.includes('cartwheel-unit-outbox-')) rmSync(outbox, { recursive: true, force: true });
}
