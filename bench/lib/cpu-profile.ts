import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { trackChild, untrackChild } from '../../scripts/local/child-processes';

/** A first invocation that takes longer than this is a hang, not a measurement. */
const CHILD_TIMEOUT_MS = 30_000;
/** Sampling interval of the profiler, µs (Node's default is 1000: too coarse for a ~100 ms init). */
const SAMPLING_INTERVAL_US = 100;

/** The parts of V8's `.cpuprofile` this reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface InitProfile {
  /** HTTP status of the first invocation's answer. */
  status: number;
  /** `require` of the bundle (module loading, parsing, top-level code), ms. */
  importMs: number;
  /** The first invocation, from the call to its settled promise, ms. */
  invokeMs: number;
  /** Sampled time of the whole child process, ms. */
  profiledMs: number;
  /** Self time per module or package, ms, largest first. */
  selfMs: Array<{ module: string; ms: number }>;
}

export interface InitProfileRequest {
  /** The bundle, built with an external source map next to it (`<file>.map`). */
  file: string;
  exportName: string;
  env: Record<string, string>;
  /** The event and Lambda context of the first invocation (the context's functions are added in the child). */
  event: unknown;
  context: Record<string, unknown>;
}

/**
 * Runs `node --cpu-prof` on a fresh process that loads the bundle and serves one invocation, as
 * the Lambda runtime does on a cold start, and attributes every sample's self time to the package
 * (or repository folder) its code came from, through the bundle's source map.
 */
export async function profileFirstInvocation(request: InitProfileRequest, workDir: string): Promise<InitProfile> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const resultFile = path.join(workDir, 'result.json');
  const script = [
    "const { writeFileSync } = require('node:fs');",
    'const start = process.hrtime.bigint();',
    `const handler = require(${JSON.stringify(request.file)})[${JSON.stringify(request.exportName)}];`,
    'const loaded = process.hrtime.bigint();',
    'const context = { ...JSON.parse(process.argv[2]), getRemainingTimeInMillis: () => 10_000, done() {}, fail() {}, succeed() {} };',
    'handler(JSON.parse(process.argv[1]), context).then((result) => {',
    '  const done = process.hrtime.bigint();',
    `  writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify({ status: result?.statusCode ?? 0, ` +
      'importNs: String(loaded - start), invokeNs: String(done - loaded) }));',
    // The SDK's keep-alive sockets would hold the process; the profile is written on exit.
    '  process.exit(0);',
    '}, (error) => { console.error(error); process.exit(1); });',
  ].join('\n');
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [
        '--cpu-prof',
        `--cpu-prof-dir=${workDir}`,
        `--cpu-prof-interval=${SAMPLING_INTERVAL_US}`,
        '-e',
        script,
        JSON.stringify(request.event),
        JSON.stringify(request.context),
      ],
      { env: request.env, cwd: path.dirname(request.file), timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (error, _stdout, stderr) => {
        if (child.pid !== undefined) untrackChild(child.pid);
        if (error) reject(new Error(`profiling ${request.file} failed: ${error.message}\n${stderr}`));
        else resolve();
      },
    );
    // Tracked so that an interrupted bench takes its children down with it.
    if (child.pid !== undefined) trackChild(child.pid, { group: false });
  });
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { status: number; importNs: string; invokeNs: string };
  const profileName = readdirSync(workDir).find((name) => name.endsWith('.cpuprofile'));
  if (!profileName) throw new Error(`node --cpu-prof wrote no profile for ${request.file}`);
  const profile = JSON.parse(readFileSync(path.join(workDir, profileName), 'utf8')) as CpuProfile;
  const sourceMap = new SourceMap(JSON.parse(readFileSync(`${request.file}.map`, 'utf8')));
  const bundleUrl = `file://${request.file}`;
  const moduleOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    if (url === bundleUrl || url === request.file) {
      const entry = sourceMap.findEntry(lineNumber, columnNumber) as { originalSource?: string };
      moduleOf.set(node.id, moduleName(entry.originalSource));
    } else if (url === '') {
      // (program), (garbage collector), (idle: waiting for I/O), or a native function of Node.
      moduleOf.set(node.id, functionName.startsWith('(') ? functionName : `(native) ${functionName || 'unknown'}`);
    } else {
      // node:internal/modules/cjs/loader holds the compilation of the bundle itself.
      moduleOf.set(node.id, url);
    }
  }
  const self = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    totalUs += us;
    const name = moduleOf.get(nodeId) ?? '(unknown)';
    self.set(name, (self.get(name) ?? 0) + us);
  });
  return {
    status: result.status,
    importMs: Number(result.importNs) / 1e6,
    invokeMs: Number(result.invokeNs) / 1e6,
    profiledMs: totalUs / 1000,
    selfMs: [...self.entries()].map(([module, us]) => ({ module, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
  };
}

/** `…/node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; `../../shared/http/x.ts` → `shared/http`. */
function moduleName(source: string | undefined): string {
  if (!source) return '(bundle, unmapped)';
  const normalized = source.replaceAll('\\', '/');
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(normalized);
  if (inPackage?.[1]) return inPackage[1];
  const inRepo = /(?:^|\/)((?:shared|functions|bench)\/[^/]+)/.exec(normalized);
  return inRepo?.[1]?.replace(/\.ts$/, '') ?? normalized;
}
