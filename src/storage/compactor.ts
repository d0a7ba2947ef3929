// Periodic compaction, for any Store. kube-apiserver asks etcd to compact every 5 minutes to the
// revision it saw at the previous tick, so about one interval of history stays watchable; here the
// window is a number of revisions and, optionally, a minimum age.
// https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/storage/etcd3/compact.go

import type { Store } from './types.js';

export interface CompactorOptions {
  /** How often to compact. */
  intervalMs: number;
  /** Always keep at least this many of the newest revisions. */
  keepRevisions: number;
  /** Also keep every revision younger than this (0 or absent: no age rule). */
  keepMs?: number;
  /** Clock for the age rule (tests inject one). */
  now?: () => number;
  /** Told about failed compactions (the next tick retries). */
  onError?: (err: unknown) => void;
}

export interface RunningCompactor {
  /** One compaction pass now; resolves to the revision compacted to, or undefined if nothing was due. */
  runOnce(): Promise<number | undefined>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

interface Sample { readonly at: number; readonly revision: number }

/**
 * The revision to compact to: `current - keepRevisions`, lowered (with the age rule) to the newest
 * revision that was already current `keepMs` ago. Undefined when nothing is old enough.
 */
export function compactionTarget(
  current: number, samples: readonly Sample[], now: number, keepRevisions: number, keepMs: number,
): number | undefined {
  let target = current - keepRevisions;
  if (keepMs > 0) {
    let aged: number | undefined;
    for (const s of samples) if (s.at <= now - keepMs) aged = Math.max(aged ?? 0, s.revision);
    if (aged === undefined) return undefined;
    target = Math.min(target, aged);
  }
  return target > 0 ? target : undefined;
}

/** Starts compacting `store` every `intervalMs`. */
export function startCompactor(store: Store, opts: CompactorOptions): RunningCompactor {
  const now = opts.now ?? Date.now;
  const keepMs = opts.keepMs ?? 0;
  let samples: Sample[] = [];
  let running: Promise<number | undefined> = Promise.resolve(undefined);

  const pass = async (): Promise<number | undefined> => {
    const current = await store.currentRevision();
    const t = now();
    samples.push({ at: t, revision: current });
    const target = compactionTarget(current, samples, t, opts.keepRevisions, keepMs);
    // Samples older than the age window are only needed for the newest of them.
    const cutoff = t - keepMs;
    const old = samples.filter((s) => s.at <= cutoff);
    samples = [...old.slice(-1), ...samples.filter((s) => s.at > cutoff)];
    if (target === undefined || target <= (await store.compactedRevision())) return undefined;
    await store.compact(target);
    return target;
  };

  const runOnce = (): Promise<number | undefined> => {
    running = running.catch(() => undefined).then(pass);
    return running;
  };

  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => opts.onError?.(err));
  }, opts.intervalMs);
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
