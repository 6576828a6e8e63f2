/**
 * A value built on first use and kept: what the composition root's getters are made of, so that a
 * function builds (and bundles) only what it uses, once per cold start.
 */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
