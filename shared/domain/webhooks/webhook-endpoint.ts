import { NotFoundError, ValidationError } from '../../errors';
import type { Clock, IdGenerator } from '../../lib/clock';
import type { EventType } from '../events/domain-event';
import { endpointSecret } from './endpoint-secret';
import { type HostResolver, webhookUrlProblem } from './webhook-url-policy';

/** A receiver of the shop's events, as stored (its secret is not: see `endpointSecret`). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** The types it receives, or `['*']` for all. */
  events: Array<EventType | '*'>;
  description: string | null;
  createdAt: string;
}

/** At most this many endpoints: every event is delivered to each of them. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

export interface WebhookEndpointRepository {
  /** Stores a new endpoint, unless the shop has `max` already. @returns false when it has. */
  create(endpoint: WebhookEndpoint, max: number): Promise<boolean>;
  get(id: string): Promise<WebhookEndpoint | null>;
  list(): Promise<WebhookEndpoint[]>;
  /** @returns false when there was none. */
  delete(id: string): Promise<boolean>;
}

export class WebhookUrlRefusedError extends ValidationError {
  constructor(why: string) {
    super([{ path: 'url', message: `the webhook URL ${why}` }]);
  }
}

export class TooManyWebhookEndpointsError extends ValidationError {
  constructor() {
    super([{ path: '', message: `at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints` }]);
  }
}

export class WebhookEndpointNotFoundError extends NotFoundError {
  constructor(id: string) {
    super('WEBHOOK_ENDPOINT_NOT_FOUND', `No webhook endpoint ${id}.`);
  }
}

export interface WebhookEndpointServiceDeps {
  endpoints: WebhookEndpointRepository;
  /** The shop's webhook key (from SSM in AWS). */
  key: () => Promise<string>;
  resolve: HostResolver;
  /** Local mode: receivers on this machine's loopback over http are allowed. */
  local: boolean;
  clock: Clock;
  ids: IdGenerator;
}

export function createWebhookEndpointService(deps: WebhookEndpointServiceDeps) {
  return {
    /**
     * Registers a receiver after the SSRF checks (https, public addresses only, after DNS resolution).
     * @returns the endpoint with its secret, which no other answer shows.
     * @throws WebhookUrlRefusedError, TooManyWebhookEndpointsError (400 `VALIDATION_FAILED`)
     */
    async create(input: { url: string; events: Array<EventType | '*'>; description?: string }) {
      const problem = await webhookUrlProblem(input.url, { local: deps.local, resolve: deps.resolve });
      if (problem) throw new WebhookUrlRefusedError(problem);
      const events = input.events.includes('*') ? (['*'] as const) : [...new Set(input.events)];
      const endpoint: WebhookEndpoint = {
        id: deps.ids.next('we'),
        url: input.url,
        events: [...events],
        description: input.description ?? null,
        createdAt: deps.clock.now().toISOString(),
      };
      if (!(await deps.endpoints.create(endpoint, MAX_WEBHOOK_ENDPOINTS))) throw new TooManyWebhookEndpointsError();
      return { ...endpoint, secret: endpointSecret(await deps.key(), endpoint.id) };
    },
  };
}

/** The endpoints' reads and removal: no secret is involved (so their functions cannot read the key). */
export function createWebhookEndpointRegistry(endpoints: Pick<WebhookEndpointRepository, 'list' | 'delete'>) {
  return {
    list: async () => ({ items: await endpoints.list() }),

    /** @throws WebhookEndpointNotFoundError */
    async delete(id: string): Promise<void> {
      if (!(await endpoints.delete(id))) throw new WebhookEndpointNotFoundError(id);
    },
  };
}

export type WebhookEndpointService = ReturnType<typeof createWebhookEndpointService>;
