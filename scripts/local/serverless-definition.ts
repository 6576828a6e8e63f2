import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { localPaths, repoRoot } from './paths';

/** The parts of a resolved serverless.yml the local tooling reads. */
export interface ServerlessDefinition {
  service: string;
  provider: {
    stage: string;
    region: string;
    environment?: Record<string, unknown>;
  };
  functions?: Record<string, FunctionDefinition>;
  resources?: { Resources?: Record<string, CloudFormationResource> };
}

export interface FunctionDefinition {
  handler: string;
  name?: string;
  events?: Array<Record<string, unknown>>;
}

export interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface LoadDefinitionOptions {
  stage: string;
  /** Where resolved definitions are cached; defaults to the local data dir's cache. */
  cacheDir?: string;
  /** The environment serverless.yml is resolved in (`${env:...}`); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

const SERVERLESS_YML = path.join(repoRoot, 'serverless.yml');

/**
 * The resolved serverless.yml for a stage, from `serverless print`. Resolving takes seconds, so the
 * JSON is cached under a key made of the file's content, the stage and the values of every
 * environment variable the file reads: any change to those resolves again.
 */
export async function loadServerlessDefinition(options: LoadDefinitionOptions): Promise<ServerlessDefinition> {
  const env = definitionEnv(options.env ?? process.env);
  const source = await readFile(SERVERLESS_YML, 'utf8');
  const key = cacheKey(source, options.stage, env);
  const cacheFile = path.join(options.cacheDir ?? localPaths().cache, `serverless-${options.stage}-${key}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as ServerlessDefinition;
  } catch {
    // not cached yet (or unreadable): resolve it
  }
  const definition = await printDefinition(options.stage, env);
  await mkdir(path.dirname(cacheFile), { recursive: true });
  // Write then rename, so a concurrent reader never sees half a file.
  const partial = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(definition));
  await rename(partial, cacheFile);
  return definition;
}

/**
 * The local stack owns the queue URLs and Cognito ids: a value exported in the developer's shell
 * must not shadow the CloudFormation reference they stand for, or the stack could not tell which
 * environment variable names which queue.
 */
export function definitionEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.endsWith('_QUEUE_URL') && !name.startsWith('COGNITO_')),
  );
}

function cacheKey(source: string, stage: string, env: NodeJS.ProcessEnv): string {
  const names = new Set([...source.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? ''));
  const hash = createHash('sha256').update(source).update(`\0${stage}`);
  for (const name of [...names].sort()) hash.update(`\0${name}=${env[name] ?? '<unset>'}`);
  return hash.digest('hex').slice(0, 16);
}

async function printDefinition(stage: string, env: NodeJS.ProcessEnv): Promise<ServerlessDefinition> {
  const bin = path.join(path.dirname(require.resolve('serverless/package.json')), 'bin', 'serverless.js');
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'print', '--stage', stage, '--format', 'json'],
      {
        cwd: repoRoot,
        env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 60_000,
      },
    );
    return JSON.parse(stdout) as ServerlessDefinition;
  } catch (error) {
    const details = (error as { stderr?: string }).stderr ?? (error as Error).message;
    throw new Error(`could not resolve serverless.yml (serverless print --stage ${stage}):\n${details}`);
  }
}
