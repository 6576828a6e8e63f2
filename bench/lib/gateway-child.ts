import path from 'node:path';
import { type ServerChild, startServerChild } from './server-child';

/**
 * The sandbox payment gateway of `npm start`, in a process of its own (a real gateway is remote:
 * its work must not land on the event loop of the worker being measured), on `port`: the one the
 * function environment's PAYMENT_GATEWAY_URL names.
 */
export function startGatewayChild(port: number): Promise<ServerChild> {
  return startServerChild('sandbox payment gateway', path.join(__dirname, 'gateway-server.ts'), [String(port)]);
}
