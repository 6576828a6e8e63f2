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
 *
 * It patches hapi's server prototype (resolved from serverless-offline, so the same module) to add
 * two request extensions when a server starts. Nothing happens for other commands (`package`, `deploy`).
 */
'use strict';

const path = require('node:path');

const RAW_PATH_HEADER = 'x-offline-raw-path';
const NO_CONTENT_TYPE = 'application/x-offline-no-content-type';
const PATCHED = Symbol.for('cartwheel.offline-fidelity');

function installExtensions(server) {
  server.ext('onRequest', (request, h) => {
    const raw = request.raw.req;
    const rawPath = (raw.url ?? '').split(/[?#]/)[0];
    raw.rawHeaders.push(RAW_PATH_HEADER, rawPath);
    const hasBody = Number(raw.headers['content-length'] ?? 0) > 0 || raw.headers['transfer-encoding'] !== undefined;
    if (hasBody && raw.headers['content-type'] === undefined) raw.rawHeaders.push('content-type', NO_CONTENT_TYPE);
    return h.continue;
  });
  server.ext('onPreResponse', (request, h) => {
    const response = request.response;
    if (response && !response.isBoom && (response.statusCode === 304 || response.statusCode === 204)) {
      delete response.headers['content-type'];
    }
    return h.continue;
  });
}

function patchHapi() {
  const offlineDir = path.dirname(require.resolve('serverless-offline'));
  const hapi = require(require.resolve('@hapi/hapi', { paths: [offlineDir] }));
  const prototype = Object.getPrototypeOf(hapi.server());
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const start = prototype.start;
  prototype.start = function startWithFidelity(...args) {
    installExtensions(this);
    return start.apply(this, args);
  };
}

class OfflineFidelity {
  constructor(serverless) {
    const commands = serverless.processedInput?.commands ?? [];
    if (commands[0] === 'offline') patchHapi();
  }
}

module.exports = OfflineFidelity;
