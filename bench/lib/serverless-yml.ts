import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';
import { repoRoot } from '../../scripts/local/paths';

/** A function of serverless.yml and the source file its handler names. */
export interface ServiceFunction {
  name: string;
  /** Source file, relative to the repository root (e.g. `functions/http/get-product.ts`). */
  entry: string;
  exportName: string;
}

interface RawServerlessYml {
  provider?: { runtime?: string };
  custom?: { esbuild?: Record<string, unknown> };
  functions?: Record<string, { handler?: string }>;
}

/**
 * serverless.yml as written, CloudFormation tags kept as plain values (`!GetAtt Queue.Arn` reads as
 * `'Queue.Arn'`), Serverless variables unresolved. The resolved form (`serverless print`) is not
 * needed here, and reading the file directly keeps the bundle measure independent of the Serverless
 * CLI. `T` describes the parts a caller reads.
 */
export function readServerlessYml<T = RawServerlessYml>(): T {
  const text = readFileSync(path.join(repoRoot, 'serverless.yml'), 'utf8');
  const passThrough = (value: unknown) => value;
  const tags = ['!Ref', '!GetAtt', '!Join', '!Sub', '!Not', '!Equals', '!If'];
  return parse(text, {
    customTags: [
      ...tags.map((tag) => ({ tag, resolve: passThrough })),
      ...tags.map((tag) => ({ tag, collection: 'seq' as const, resolve: passThrough })),
    ],
  }) as T;
}

/** The extensions serverless-esbuild tries, in its order, when a handler names a module. */
const ENTRY_EXTENSIONS = ['.ts', '.js', '.mts', '.mjs', '.cts', '.cjs', '.tsx', '.jsx'];

/** Resolves `dir/module.export` to the module's source file, as serverless-esbuild does. */
export function handlerEntry(name: string, handler: string): ServiceFunction {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`function ${name}: handler ${handler} is not <module>.<export>`);
  const modulePath = handler.slice(0, dot);
  const extension = ENTRY_EXTENSIONS.find((ext) => existsSync(path.join(repoRoot, `${modulePath}${ext}`)));
  if (!extension) throw new Error(`function ${name}: no source file for handler ${handler}`);
  return { name, entry: `${modulePath}${extension}`, exportName: handler.slice(dot + 1) };
}

export function serviceFunctions(): ServiceFunction[] {
  const functions = readServerlessYml().functions ?? {};
  // Functions without a handler (container images) have no bundle to measure.
  return Object.entries(functions)
    .filter(([, fn]) => typeof fn?.handler === 'string')
    .map(([name, fn]) => handlerEntry(name, fn.handler as string));
}

/** Keys of custom.esbuild that configure serverless-esbuild itself and are not esbuild options. */
const PLUGIN_ONLY_KEYS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

/**
 * The esbuild options deployment uses, derived from custom.esbuild the way serverless-esbuild
 * derives them (its defaults, `exclude` turned into `external`, `plugins` loaded from the file),
 * so a change to serverless.yml changes what the bench measures.
 */
export function deploymentBuildOptions(): BuildOptions {
  const yml = readServerlessYml();
  const custom = yml.custom?.esbuild ?? {};
  if (custom.config !== undefined) {
    throw new Error('custom.esbuild.config (a JS build config) is not supported by the bench: read it here first');
  }
  const runtime = /^nodejs(\d+)\.x$/.exec(yml.provider?.runtime ?? '');
  const options: Record<string, unknown> = {
    bundle: true,
    platform: 'node',
    ...(runtime ? { target: `node${runtime[1]}` } : {}),
  };
  for (const [key, value] of Object.entries(custom)) {
    if (!PLUGIN_ONLY_KEYS.includes(key)) options[key] = value;
  }
  // As in serverless-esbuild: `exclude` joins `external`, and `plugins` names a file to load.
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : []);
  const exclude = custom.exclude === undefined ? ['aws-sdk'] : strings(custom.exclude);
  options.external = [...strings(custom.external), ...(exclude.includes('*') ? [] : exclude)];
  options.plugins = loadPlugins(custom.plugins);
  return options as BuildOptions;
}

function loadPlugins(setting: unknown): Plugin[] {
  if (setting === undefined) return [];
  if (typeof setting !== 'string') throw new Error('custom.esbuild.plugins must name a file');
  const loaded: unknown = require(path.join(repoRoot, setting));
  const plugins = (loaded as { default?: unknown }).default ?? loaded;
  if (!Array.isArray(plugins)) throw new Error(`${setting} must export an array of esbuild plugins`);
  return plugins as Plugin[];
}

/** The options as one line for the report (plugins by name), so it shows what was really used. */
export function describeBuildOptions(options: BuildOptions): string {
  const { plugins, ...rest } = options;
  return JSON.stringify({ ...rest, plugins: (plugins ?? []).map((plugin) => plugin.name) });
}
