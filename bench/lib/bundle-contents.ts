import { readFileSync } from 'node:fs';
import type { Metafile } from 'esbuild';
import type { Bundle } from './build-bundles';

/**
 * Bytes of a built bundle per package (`node_modules/<package>`) or repository folder, from the
 * metafile the build wrote next to it (`<file>.meta.json`): what esbuild's analyzeMetafile lists
 * file by file, summed the way a reader decides what to cut.
 */
export function bytesByPackage(bundle: Pick<Bundle, 'file'>): Map<string, number> {
  const metafile = JSON.parse(readFileSync(`${bundle.file}.meta.json`, 'utf8')) as Metafile;
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
    }
  }
  return totals;
}

/** `node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; `shared/http/x.ts` → `shared/http`. */
function packageOf(input: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (inPackage?.[1]) return inPackage[1];
  const parts = input.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : input;
}
