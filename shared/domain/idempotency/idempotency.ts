/**
 * Idempotency-Key support (IETF httpapi-idempotency-key draft semantics), as a port: the record
 * is completed inside the same DynamoDB transaction as the order it protects.
 */

/** A response as it is replayed: status, serialised body and the headers that matter. */
export interface StoredResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

/** Proof that this request holds the key: only the holder may complete or release the record. */
export interface IdempotencyLease {
  scope: string;
  key: string;
  token: string;
}

export type IdempotencyBegin =
  | { outcome: 'acquired'; lease: IdempotencyLease }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'mismatch' }
  | { outcome: 'in-progress' };

export interface IdempotencyStore {
  /** Claims the key for this request, or says why not (a stored response, another body, still running). */
  begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyBegin>;
  /** Stores the response of a request that ended without its own transaction (e.g. a 409). */
  complete(lease: IdempotencyLease, response: StoredResponse): Promise<void>;
  /** Forgets the claim, so the request may be retried (it failed before doing anything). */
  release(lease: IdempotencyLease): Promise<void>;
}

/**
 * What a transactional write needs to complete the record atomically with its own effects. The
 * claim of the key is already under way when the operation starts, so it runs beside the
 * operation's reads; the operation awaits `claim()` before it writes anything. `claim()` rejects
 * when the request may not go on (its first answer is replayed, or the key is busy or reused):
 * the operation lets that error through, and the caller answers with it.
 *
 * The operation may start before its request is admitted (the per-principal request limit is
 * still being counted): `claim()` resolves only once it is, and rejects if it was refused.
 */
export interface IdempotencyCompletion<T> {
  claim(): Promise<IdempotencyLease>;
  respond(result: T): StoredResponse;
}
