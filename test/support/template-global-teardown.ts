import { rmSync } from 'node:fs';

export default async function templateGlobalTeardown(): Promise<void> {
  const dir = process.env.CARTWHEEL_PACKAGE_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
