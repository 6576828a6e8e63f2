/**
 * Child-process entry of the bench's SQS emulator (see sqs-child.ts): `local-aws-sqs` on a loopback
 * port chosen by the OS, until the bench stops it or goes away.
 */
import { startSqs } from '../../scripts/local/sqs-engine';
import { serveUntilParentGoes } from './server-child';

serveUntilParentGoes('sqs-server', () => startSqs({ region: process.argv[2] || 'eu-west-1' }));
