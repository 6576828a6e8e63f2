#!/usr/bin/env node
/**
 * Completes package-lock.json with the optional, platform-specific packages that the registry
 * this lock was made against does not serve (mirrors often carry only linux/glibc binaries of
 * Biome, swc and jest's resolver). npm leaves them out of the lock, and `npm ci` then refuses the
 * lock as "out of sync". An entry with just the version is enough: on each machine npm installs
 * the one binary that matches its platform and skips the others as optional.
 *
 * Run after `npm install` changed the lock: `npm run lockfile:complete`.
 */
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    // Node resolution: next to the package first, then in every node_modules above it.
    const candidates = [];
    let base = location;
    for (;;) {
      candidates.push(`${base ? `${base}/` : ''}node_modules/${name}`);
      const parent = base.lastIndexOf('/node_modules/');
      if (base === '') break;
      base = parent === -1 ? '' : base.slice(0, parent);
    }
    if (candidates.some((candidate) => packages[candidate])) continue;
    const hoisted = `node_modules/${name}`;
    packages[hoisted] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
    };
    added++;
  }
}

const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform package(s)`);
