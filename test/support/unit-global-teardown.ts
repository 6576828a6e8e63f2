import { rmSync } from 'node:fs';

export default async function unitGlobalTeardown(): Promise<void> {
  const dir = process.env.LOCAL_ISSUER_DIR;
  if (dir?.includes('cartwheel-unit-issuer-')) rmSync(dir, { recursive: true, force: true });
}
