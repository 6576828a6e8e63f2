/** Waits, unless the signal aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Stops a set of poll loops once: aborts them, waits for each to settle, then releases their client. */
export function stopOnce(controller: AbortController, loops: Array<Promise<void>>, release: () => void) {
  let stopped: Promise<void> | undefined;
  return {
    stop(): Promise<void> {
      stopped ??= (async () => {
        controller.abort();
        await Promise.allSettled(loops);
        release();
      })();
      return stopped;
    },
  };
}
