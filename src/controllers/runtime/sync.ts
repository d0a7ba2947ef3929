// Controllers start work only once their informers hold a full list.

/** Resolves true once every informer has synced, false if the signal aborts first. */
export async function waitForSync(signal: AbortSignal, ...informers: readonly { synced(): Promise<void> }[]): Promise<boolean> {
  if (signal.aborted) return false;
  let onAbort = (): void => undefined;
  const aborted = new Promise<void>((resolve) => { onAbort = () => resolve(); });
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([Promise.all(informers.map((i) => i.synced())), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return !signal.aborted;
}
