/**
 * Child-process entry of the bench's SQS emulator (see sqs-child.ts): starts `local-aws-sqs` on a
 * loopback port chosen by the OS, prints `{"endpoint": ...}` on one line, and runs until it is
 * sent SIGTERM/SIGINT or its parent goes away (stdin closes), whichever comes first.
 */
import { startSqs } from '../../scripts/local/sqs-engine';

async function main(): Promise<void> {
  const engine = await startSqs({ region: process.argv[2] || 'eu-west-1' });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Bounded: a server that does not close within 5 s is left to the exit.
    const timer = setTimeout(() => process.exit(0), 5000);
    engine.stop().finally(() => {
      clearTimeout(timer);
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent holds our stdin open; when it dies, stdin ends and we go too.
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ endpoint: engine.endpoint })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`sqs-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
