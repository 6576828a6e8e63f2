import path from 'node:path';
import { type ServerChild, startServerChild } from './server-child';

export type SqsChild = ServerChild;

/** The SQS emulator of `npm start` (scripts/local/sqs-engine.ts), in a process of its own. */
export function startSqsChild(region: string): Promise<SqsChild> {
  return startServerChild('SQS emulator', path.join(__dirname, 'sqs-server.ts'), [region]);
}
