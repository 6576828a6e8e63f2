/**
 * A Serverless Framework plugin that acts only under `serverless offline` (`npm start`, the e2e
 * stack): where serverless-offline's web server (hapi) hands our functions something other than
 * what API Gateway would, in ways the contract depends on, it says so or puts it back.
 *
 * - hapi resolves `.` and `..` segments (also `%2e`) before routing and before building the event:
 *   `DELETE /v1/cart/items/%2e%2e` reaches `DELETE /v1/cart` with `rawPath` `/v1/cart`. API Gateway
 *   keeps the raw path in `rawPath`; here the path as sent goes in the `x-offline-raw-path` header,
 *   which the HTTP stack checks as well as `rawPath` (shared/http/path-segments.ts). A client can
 *   send that header elsewhere too: it can only get its own request refused.
 * - serverless-offline labels a body sent without `Content-Type` as `application/json`. Here such a
 *   request carries a type no endpoint takes instead, so it is the 415 it is in AWS.
 * - serverless-offline adds `Content-Type: application/json` to every answer; a 304 or a 204 has no
 *   body, so it loses it again.
 * - (not here: serverless-offline hands the JSON bodies `false` and `0` over already parsed, and
 *   a hapi hook cannot change that: an onPreHandler that put the text back had no effect. The HTTP
 *   stack's body limit turns any non-string body back into its text, in body-limit.ts.)
 * - hapi answers CORS preflights itself (any origin reflected, with credentials): here they get the
 *   fallback function's answer by our policy, and a request hapi refuses before any function runs
 *   (bad percent-encoding, a `Content-Type` it cannot parse, a broken chunked body) gets a problem
 *   document with our headers. Both answers are built by our own code (scripts/local/offline-edge.ts,
 *   bundled here with esbuild when the server starts).
 *
 * - an answer no function made (serverless-offline's own `200` with a Lambda error body when a
 *   function times out or crashes) becomes a 5xx problem document with our headers.
 * - serverless-offline starts one more instance (a cold start) for every request that finds the
 *   others busy; here each function keeps at most OFFLINE_FUNCTION_CONCURRENCY warm instances (4 by
 *   default) and further requests wait their turn, up to 60 s (scripts/local/warm-pool.ts,
 *   docs/decisions/0011-local-stack-under-load.md).
 *
 * It patches hapi's server prototype (resolved from serverless-offline, so the same module) to add
 * request extensions when a server starts, and serverless-offline's `Lambda#get` before it starts.
 * Nothing happens for other commands (`package`, `deploy`).
 */
'use strict';

const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { loadTypeScript } = require('../load-typescript.cjs');

const RAW_PATH_HEADER = 'x-offline-raw-path';
const NO_CONTENT_TYPE = 'application/x-offline-no-content-type';
const PATCHED = Symbol.for('cartwheel.offline-fidelity');

/** scripts/local/offline-edge.ts, bundled and loaded into this process. */
function loadEdge() {
  return loadTypeScript(path.join(__dirname, 'offline-edge.ts'));
}

const DEFAULT_CONCURRENCY = 4;
/**
 * A request that waited this long for an instance is refused (503). Generous on purpose: a loaded
 * 2-core machine may queue a burst for tens of seconds, and a refusal is a 5xx the client did not cause.
 */
const MAX_WAIT_MS = 60_000;

function concurrencyFromEnv() {
  const raw = process.env.OFFLINE_FUNCTION_CONCURRENCY;
  if (raw === undefined || raw === '') return DEFAULT_CONCURRENCY;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`OFFLINE_FUNCTION_CONCURRENCY must be a whole number of at least 1, not "${raw}"`);
  return value;
}

/**
 * Wraps serverless-offline's `Lambda#get` (the one way the web server, the invoke endpoint of the
 * queue pollers and the schedules reach a function) so that every request runs on a warm instance
 * of a bounded pool. Imported by URL, so the same module serverless-offline loads.
 */
async function patchLambda() {
  const { default: Lambda } = await import(pathToFileURL(require.resolve('serverless-offline/lambda')).href);
  if (Lambda.prototype[PATCHED]) return;
  Lambda.prototype[PATCHED] = true;
  const { createWarmPools } = loadTypeScript(path.join(__dirname, 'warm-pool.ts'));
  const pools = createWarmPools({ concurrency: concurrencyFromEnv(), maxWaitMs: MAX_WAIT_MS });
  const get = Lambda.prototype.get;
  Lambda.prototype.get = function getWarm(functionKey) {
    return pools.handle(functionKey, () => get.call(this, functionKey));
  };
}

/** Sends an answer built by offline-edge.ts instead of hapi's. */
function answer(h, built) {
  // No payload at all for an empty answer: hapi would label an empty string as text/html.
  const response = h.response(built.body ?? null).code(built.statusCode);
  for (const [name, value] of Object.entries(built.headers)) response.header(name, value);
  return response.takeover();
}

function installExtensions(server, settings) {
  const edge = loadEdge();
  // The API's server, not the one of the Lambda invoke API (queue pollers), whose answers are events' results.
  const isApi = Number(server.settings.port) === Number(settings.httpPort());
  const edgeRequest = (request) => {
    const raw = request.raw.req;
    const headers = { ...raw.headers };
    // The Origin as sent (it leaves the parsed headers on arrival, see onRequest).
    for (let index = 0; index < raw.rawHeaders.length; index += 2)
      if (raw.rawHeaders[index].toLowerCase() === 'origin') headers.origin = raw.rawHeaders[index + 1];
    return { method: request.method.toUpperCase(), rawPath: (raw.url ?? '').split(/[?#]/)[0], headers };
  };
  server.ext('onRequest', (request, h) => {
    const raw = request.raw.req;
    // serverless-offline's own CORS (any origin reflected, with credentials) acts on the parsed
    // headers' Origin; the functions build their event from the raw headers, and apply our policy.
    delete raw.headers.origin;
    if (request.method === 'options')
      return answer(h, edge.preflightAnswer(edgeRequest(request), settings.allowedOrigins()));
    const rawPath = (raw.url ?? '').split(/[?#]/)[0];
    raw.rawHeaders.push(RAW_PATH_HEADER, rawPath);
    const hasBody = Number(raw.headers['content-length'] ?? 0) > 0 || raw.headers['transfer-encoding'] !== undefined;
    if (hasBody && raw.headers['content-type'] === undefined) raw.rawHeaders.push('content-type', NO_CONTENT_TYPE);
    // A route without a body ignores one, whatever its type (hapi would refuse a type it cannot parse).
    else if (hasBody && !edge.takesBody(edgeRequest(request))) raw.headers['content-type'] = 'application/octet-stream';
    return h.continue;
  });
  server.ext('onPreResponse', (request, h) => {
    const response = request.response;
    // A refusal of hapi's own (a function's answer, error or not, is never a Boom).
    if (response?.isBoom) {
      const { statusCode, payload } = response.output;
      return answer(
        h,
        edge.refusalAnswer(edgeRequest(request), settings.allowedOrigins(), statusCode, String(payload.message ?? '')),
      );
    }
    // An answer no function made: serverless-offline's own, for a function that failed.
    if (isApi && response && !edge.isOurs(response.headers))
      return answer(h, edge.foreignAnswer(edgeRequest(request), settings.allowedOrigins(), response.source));
    if (response && (response.statusCode === 304 || response.statusCode === 204)) {
      delete response.headers['content-type'];
    }
    return h.continue;
  });
}

function patchHapi(settings) {
  const offlineDir = path.dirname(require.resolve('serverless-offline'));
  const hapi = require(require.resolve('@hapi/hapi', { paths: [offlineDir] }));
  const prototype = Object.getPrototypeOf(hapi.server());
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const start = prototype.start;
  prototype.start = function startWithFidelity(...args) {
    installExtensions(this, settings);
    return start.apply(this, args);
  };
}

class OfflineFidelity {
  constructor(serverless) {
    const commands = serverless.processedInput?.commands ?? [];
    if (commands[0] !== 'offline') return;
    // Read when a request comes: the variables of serverless.yml are resolved by then.
    const allowedOrigins = () =>
      String(serverless.service.provider.environment?.CORS_ALLOWED_ORIGINS ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0);
    const httpPort = () => serverless.service.custom?.['serverless-offline']?.httpPort;
    patchHapi({ allowedOrigins, httpPort });
    this.hooks = { 'before:offline:start:init': patchLambda };
  }
}

module.exports = OfflineFidelity;
