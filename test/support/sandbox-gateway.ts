/**
 * The sandbox payment gateway that globalSetup runs in jest's main process, seen from a test
 * worker: its counters and fault hooks over HTTP (scripts/local/sandbox-gateway.ts).
 */
import type { SandboxOrderStats } from '../../scripts/local/sandbox-gateway';

const sandbox = () => {
  const url = process.env.PAYMENT_GATEWAY_URL;
  const secret = process.env.PAYMENT_GATEWAY_SECRET;
  if (!url || !secret) throw new Error('the sandbox gateway is started by test/support/global-setup.ts');
  return { url, headers: { Authorization: `Bearer ${secret}` } };
};

async function hook(path: string, init: RequestInit = {}): Promise<Response> {
  const { url, headers } = sandbox();
  const response = await fetch(`${url}/_sandbox/orders/${path}`, { ...init, headers: { ...headers, ...init.headers } });
  if (!response.ok) throw new Error(`sandbox hook ${path} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** What the sandbox recorded for an order: charges, declines, attempts, refunds. */
export async function sandboxStats(orderId: string): Promise<SandboxOrderStats> {
  return (await hook(encodeURIComponent(orderId))).json() as Promise<SandboxOrderStats>;
}

/** The next `times` answers about the order come `ms` late, after the sandbox processed the request. */
export async function delaySandboxAnswers(orderId: string, delay: { ms: number; times?: number }): Promise<void> {
  await hook(`${encodeURIComponent(orderId)}/delays`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(delay),
  });
}
