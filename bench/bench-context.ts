import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoShippingMethods } from '../scripts/local/demo-catalog';
import type { DynamoDbEngine } from '../scripts/local/dynamodb-engine';
import { freePort } from '../scripts/local/free-port';
import { ensureIssuer } from '../scripts/local/issuer';
import { provisionQueues, referencedEnv } from '../scripts/local/provision';
import { loadServerlessDefinition, type ServerlessDefinition } from '../scripts/local/serverless-definition';
import { type Bundles, benchDir, buildBundles } from './lib/build-bundles';
import { functionEnv } from './lib/function-env';
import { startGatewayChild } from './lib/gateway-child';
import { type SeedProduct, seedProducts, startLocalTable } from './lib/local-table';
import { startSqsChild } from './lib/sqs-child';
import { customerTokenSigner } from './lib/tokens';

export const BENCH_STAGE = 'bench';
export const BENCH_TABLE_NAME = 'cartwheel-bench';
export const BENCH_SKU = 'BENCH-MUG-01';

/** Checkout stock: one hot sku, and this many others to spread orders over. */
export const CHECKOUT_HOT_SKU = 'BENCH-HOT-0001';
export const CHECKOUT_SPREAD_SKUS = 1000;
/** Units per product: far more than a run can order, so no checkout is ever refused for stock. */
const HOT_ON_HAND = 1_000_000_000;
const SPREAD_ON_HAND = 1_000_000;
/** Products with variants (one per size), for orders of variants: `BENCH-VARIANT-<n>-<size>`. */
export const CHECKOUT_VARIANT_PRODUCTS = 20;
const VARIANT_SIZES = ['XS', 'S', 'M', 'L', 'XL'];

interface Setup {
  definition: ServerlessDefinition;
  env: Record<string, string>;
  dynamoPort: number;
  gatewayPort: number;
  issuerDir: string;
}

/** What the checkout measures share: the engines, the stock, the queues, and customers' tokens. */
export interface CheckoutStack {
  definition: ServerlessDefinition;
  /** The function environment, with the SQS emulator and the queues provisioned from serverless.yml. */
  env: Record<string, string>;
  region: string;
  tableName: string;
  dynamoEndpoint: string;
  dynamoPid: number;
  sqsEndpoint: string;
  sqsPid: number;
  paymentQueueUrl: string;
  fulfilmentQueueUrl: string;
  notificationQueueUrl: string;
  hotSku: string;
  spreadSkus: string[];
  /** Products with variants, each with its variants' skus (every variant stocked like a spread sku). */
  variantProducts: Array<{ sku: string; variantSkus: string[] }>;
  /** A signed access token of a customer. */
  customerToken(sub: string): string;
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
  private checkoutPromise?: Promise<CheckoutStack>;
  private gatewayPromise?: Promise<{ url: string; pid: number }>;
  /**
   * The environment the bench was started with, before any function environment was applied to
   * this process: what a developer's shell would hand to `npm start`.
   */
  readonly initialEnv: Readonly<NodeJS.ProcessEnv> = { ...process.env };

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
  async table(): Promise<{ endpoint: string; sku: string; pid: number }> {
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
    const engine = await this.tablePromise;
    return { endpoint: engine.endpoint, sku: BENCH_SKU, pid: engine.pid };
  }

  /**
   * For checkout: the table of {@link table} plus the SQS emulator (in a child process) with the
   * queues of serverless.yml, a hot product and {@link CHECKOUT_SPREAD_SKUS} others, all with
   * stock no run can exhaust, and a token signer for customers.
   */
  checkoutStack(): Promise<CheckoutStack> {
    this.checkoutPromise ??= (async () => {
      const { definition, env, issuerDir } = await this.setup();
      const table = await this.table();
      const region = definition.provider.region;
      const sqs = await startSqsChild(region);
      this.cleanups.push(sqs.stop);
      const queues = await provisionQueues({ definition, sqsEndpoint: sqs.endpoint, region });
      const queueEnv = referencedEnv(definition, {}, queues);
      const queueUrl = (name: string) => {
        const url = queueEnv[name];
        if (!url) throw new Error(`serverless.yml gives ${name} no queue`);
        return url;
      };
      const spreadSkus = Array.from(
        { length: CHECKOUT_SPREAD_SKUS },
        (_, index) => `BENCH-SPREAD-${String(index).padStart(4, '0')}`,
      );
      const product = (sku: string, onHand: number, index: number): SeedProduct => ({
        sku,
        name: `Bench product ${sku}`,
        description: 'A product of the checkout benchmark.',
        category: 'Bench',
        // Varied prices, as a real catalog has (the order's totals are numbers of varying length).
        price: 500 + ((index * 7919) % 9500),
        onHand,
      });
      const variantProducts = Array.from({ length: CHECKOUT_VARIANT_PRODUCTS }, (_, index) => {
        const sku = `BENCH-VARIANT-${String(index).padStart(4, '0')}`;
        return { sku, variantSkus: VARIANT_SIZES.map((size) => `${sku}-${size}`) };
      });
      await seedProducts({
        endpoint: table.endpoint,
        region,
        tableName: BENCH_TABLE_NAME,
        currency: env.STORE_CURRENCY || 'EUR',
        // The demo shop's methods: every checkout ships (to GB) with the cheapest, read with its prices.
        shippingMethods: demoShippingMethods,
        products: [
          product(CHECKOUT_HOT_SKU, HOT_ON_HAND, 0),
          ...spreadSkus.map((sku, index) => product(sku, SPREAD_ON_HAND, index + 1)),
          ...variantProducts.map(({ sku, variantSkus }, index) => ({
            ...product(sku, SPREAD_ON_HAND, spreadSkus.length + index + 1),
            options: [{ name: 'Size', values: VARIANT_SIZES }],
            // Every other size at a price of its own, the others at the product's.
            variants: variantSkus.map((variant, at) => ({
              sku: variant,
              options: { Size: VARIANT_SIZES[at] as string },
              ...(at % 2 === 1 && { price: 700 + at * 100 }),
            })),
          })),
        ],
      });
      return {
        definition,
        env: { ...env, ...localAwsSqs(sqs.endpoint), ...queueEnv },
        region,
        tableName: BENCH_TABLE_NAME,
        dynamoEndpoint: table.endpoint,
        dynamoPid: table.pid,
        sqsEndpoint: sqs.endpoint,
        sqsPid: sqs.pid,
        paymentQueueUrl: queueUrl('PAYMENT_QUEUE_URL'),
        fulfilmentQueueUrl: queueUrl('FULFILMENT_QUEUE_URL'),
        notificationQueueUrl: queueUrl('NOTIFICATION_QUEUE_URL'),
        hotSku: CHECKOUT_HOT_SKU,
        spreadSkus,
        variantProducts,
        customerToken: customerTokenSigner(issuerDir),
      };
    })();
    return this.checkoutPromise;
  }

  /**
   * The sandbox payment gateway (in a child process) on the port that the function environment's
   * PAYMENT_GATEWAY_URL names, so every function bundle already points at it.
   */
  paymentGateway(): Promise<{ url: string; pid: number }> {
    this.gatewayPromise ??= (async () => {
      const { gatewayPort } = await this.setup();
      const gateway = await startGatewayChild(gatewayPort);
      this.cleanups.push(gateway.stop);
      return { url: gateway.endpoint, pid: gateway.pid };
    })();
    return this.gatewayPromise;
  }

  /** Registers something to undo in {@link close} (a stack a measure started, say). */
  onClose(cleanup: () => Promise<void> | void): void {
    this.cleanups.push(cleanup);
  }

  /** Undoes what was made, newest first; keeps going past failures so nothing is left running. */
  async close(): Promise<void> {
    // A part still being made must finish first, or its cleanup would be registered too late.
    await Promise.allSettled([this.setupPromise, this.tablePromise, this.checkoutPromise, this.gatewayPromise]);
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
      let gatewayPort = await freePort();
      while (gatewayPort === dynamoPort) gatewayPort = await freePort();
      const env = functionEnv({
        definition,
        dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
        tableName: BENCH_TABLE_NAME,
        issuerDir,
        paymentGatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      });
      return { definition, env, dynamoPort, gatewayPort, issuerDir };
    })();
    return this.setupPromise;
  }
}

/** The SQS endpoint variable the SDK reads (the function environment points it at a discard port). */
const localAwsSqs = (endpoint: string) => ({ AWS_ENDPOINT_URL_SQS: endpoint });
