import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DynamoDbEngine } from '../scripts/local/dynamodb-engine';
import { freePort } from '../scripts/local/free-port';
import { ensureIssuer } from '../scripts/local/issuer';
import { loadServerlessDefinition, type ServerlessDefinition } from '../scripts/local/serverless-definition';
import { type Bundles, benchDir, buildBundles } from './lib/build-bundles';
import { functionEnv } from './lib/function-env';
import { startLocalTable } from './lib/local-table';

export const BENCH_STAGE = 'bench';
export const BENCH_TABLE_NAME = 'cartwheel-bench';
export const BENCH_SKU = 'BENCH-MUG-01';

interface Setup {
  definition: ServerlessDefinition;
  env: Record<string, string>;
  dynamoPort: number;
}

/**
 * What benchmarks share, each part made on first use and only once: the bundles, the function
 * environment, the local table. Benchmarks ask for what they need, so a new one can reuse them
 * (or add a part here) without the others changing; {@link close} undoes everything made.
 */
export class BenchContext {
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  private bundlesPromise?: Promise<Bundles>;
  private setupPromise?: Promise<Setup>;
  private tablePromise?: Promise<DynamoDbEngine>;

  /** Smaller counts, for trying the bench out; such a run never writes docs/BENCHMARKS.md. */
  constructor(readonly quick: boolean) {}

  bundles(): Promise<Bundles> {
    this.bundlesPromise ??= buildBundles();
    return this.bundlesPromise;
  }

  /**
   * The environment of a deployed function. DynamoDB Local's port is chosen here, before it is
   * started, so the cold-import children get the very same environment while the JVM is not
   * yet running to compete with them for the CPU.
   */
  async functionEnv(): Promise<Record<string, string>> {
    return (await this.setup()).env;
  }

  /** DynamoDB Local, started on the port of {@link functionEnv}, with the table and the product. */
  async table(): Promise<{ endpoint: string; sku: string }> {
    const { definition, env, dynamoPort } = await this.setup();
    this.tablePromise ??= startLocalTable({
      definition,
      port: dynamoPort,
      tableName: BENCH_TABLE_NAME,
      sku: BENCH_SKU,
      currency: env.STORE_CURRENCY || 'EUR',
    }).then((engine) => {
      this.cleanups.push(engine.stop);
      return engine;
    });
    return { endpoint: (await this.tablePromise).endpoint, sku: BENCH_SKU };
  }

  /** Undoes what was made, newest first; keeps going past failures so nothing is left running. */
  async close(): Promise<void> {
    // A part still being made must finish first, or its cleanup would be registered too late.
    await Promise.allSettled([this.setupPromise, this.tablePromise]);
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`bench cleanup: ${(error as Error).message}\n`);
      }
    }
  }

  private setup(): Promise<Setup> {
    this.setupPromise ??= (async () => {
      const definition = await loadServerlessDefinition({
        stage: BENCH_STAGE,
        cacheDir: path.join(benchDir, 'cache'),
      });
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'cartwheel-bench-'));
      this.cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
      const issuerDir = path.join(scratch, 'issuer');
      ensureIssuer(issuerDir);
      const dynamoPort = await freePort();
      const env = functionEnv({
        definition,
        dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
        tableName: BENCH_TABLE_NAME,
        issuerDir,
      });
      return { definition, env, dynamoPort };
    })();
    return this.setupPromise;
  }
}
