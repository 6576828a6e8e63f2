import { rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { repoRoot } from '../../scripts/local/paths';
import { deploymentBuildOptions, describeBuildOptions, type ServiceFunction, serviceFunctions } from './serverless-yml';

/** Scratch space of the bench (git-ignored). */
export const benchDir = path.join(repoRoot, '.bench');

export interface Bundle {
  name: string;
  /** Absolute path of the built file. */
  file: string;
  exportName: string;
  bytes: number;
}

export interface Bundles {
  functions: Bundle[];
  baseline: Bundle;
  /** The esbuild options of the functions' builds (deployment's), for the report. */
  options: string;
  /** The yardstick's own fixed esbuild options, for the report. */
  baselineOptions: string;
}

/** The bare handler every measure compares against (see bench/baseline/bare-get-item.ts). */
export const BASELINE: ServiceFunction = {
  name: 'bare-get-item',
  entry: 'bench/baseline/bare-get-item.ts',
  exportName: 'handler',
};

/** The yardstick's build takes the environment credential provider in place of the SDK's default chain. */
const yardstickCredentials: Plugin = {
  name: 'yardstick-env-credentials',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: path.join(repoRoot, 'bench', 'baseline', 'env-credentials.ts'),
    }));
  },
};

/**
 * The esbuild options of the yardstick: the best build anyone could give a bare handler (the
 * SDK's ES modules, minified, tree-shaken, the credential chain cut to the environment), fixed
 * here and never read from serverless.yml or esbuild-plugins.cjs. A yardstick built with the
 * project's options would move whenever the project's build changed, and a change that made every
 * function faster could raise every ratio.
 */
export const YARDSTICK_BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  treeShaking: true,
  sourcemap: false,
  mainFields: ['module', 'main'],
  plugins: [yardstickCredentials],
};

/**
 * Bundles every function of serverless.yml with deployment's esbuild options, one build per entry
 * point as serverless-esbuild does with `package.individually`, and the baseline with the
 * yardstick's fixed options.
 */
export async function buildBundles(): Promise<Bundles> {
  const options = deploymentBuildOptions();
  rmSync(path.join(benchDir, 'build'), { recursive: true, force: true });
  const [baseline, ...functions] = await Promise.all([
    buildBundle(BASELINE, YARDSTICK_BUILD_OPTIONS),
    ...serviceFunctions().map((fn) => buildBundle(fn, options)),
  ]);
  if (!baseline) throw new Error('the baseline was not built');
  if (functions.length === 0) throw new Error('serverless.yml declares no functions');
  return {
    functions,
    baseline,
    options: describeBuildOptions(options),
    baselineOptions: describeBuildOptions(YARDSTICK_BUILD_OPTIONS),
  };
}

/**
 * Bundles one entry point with deployment's esbuild options, as serverless-esbuild does with
 * `package.individually`, into .bench/build/<name>/.
 */
export async function buildBundle(fn: ServiceFunction, options = deploymentBuildOptions()): Promise<Bundle> {
  const outdir = path.join(benchDir, 'build', fn.name, path.dirname(fn.entry));
  const result = await build({
    ...options,
    absWorkingDir: repoRoot,
    entryPoints: [fn.entry],
    outdir,
    write: true,
    // Only read back for inspection (.bench/build/<fn>/*.meta.json); it does not change the output.
    metafile: true,
    logLevel: 'error',
  });
  const file = path.join(outdir, `${path.basename(fn.entry, path.extname(fn.entry))}.js`);
  writeFileSync(`${file}.meta.json`, JSON.stringify(result.metafile));
  return { name: fn.name, file, exportName: fn.exportName, bytes: statSync(file).size };
}

/** The built bundle of one function of serverless.yml. */
export function bundleNamed(functions: Bundle[], name: string): Bundle {
  const bundle = functions.find((fn) => fn.name === name);
  if (!bundle) throw new Error(`serverless.yml has no function ${name}`);
  return bundle;
}

/** The handler a built bundle exports, `require`d into this process (its module runs now, once). */
export function loadHandler<T>(bundle: Pick<Bundle, 'file' | 'exportName'>): T {
  const handler = (require(bundle.file) as Record<string, unknown>)[bundle.exportName];
  if (typeof handler !== 'function') throw new Error(`${bundle.file} exports no ${bundle.exportName} function`);
  return handler as T;
}
