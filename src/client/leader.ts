// Leader election on coordination.k8s.io/v1 Leases (client-go's leaderelection): acquire when the
// lease is free or expired (judged by when *we* last saw it change, so clocks needn't agree),
// renew every retry period, step down when renewals fail for the renew deadline. Unlike client-go,
// a candidate watches the lease while it waits, so it sees a renewal when it happens rather than
// at its next poll, and tries again the moment the lease runs out: a dead leader is replaced one
// lease duration after its last renewal, not up to two retry periods later.
import type { Logger } from 'pino';
import { realClock, type Clock } from '../machinery/clock.js';
import { isStatusError } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/object.js';
import type { ApiClient } from './types.js';
import { R } from './resources.js';

export interface LeaderElectionOptions {
  namespace?: string;          // default kube-system
  name: string;                // the lease: kube-scheduler, kube-controller-manager, ...
  identity: string;
  leaseDurationMs?: number;    // 15s
  renewDeadlineMs?: number;    // 10s
  retryPeriodMs?: number;      // 2s
  /** On a clean stop, hand the lease back so another candidate takes over at once. */
  releaseOnCancel?: boolean;
  clock?: Clock;
  log?: Logger;
}

export interface LeaderCallbacks {
  /** Runs while leading; `signal` aborts when leadership is lost or the election stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  onStoppedLeading?(): void;
  onNewLeader?(identity: string): void;
}

interface LeaseSpec {
  holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number;
}
type Lease = KubeObject & { spec?: LeaseSpec };

export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export async function runLeaderElection(client: ApiClient, o: LeaderElectionOptions, cb: LeaderCallbacks, signal: AbortSignal): Promise<void> {
  const clock = o.clock ?? realClock;
  const ns = o.namespace ?? 'kube-system';
  const duration = o.leaseDurationMs ?? 15_000;
  const renewDeadline = o.renewDeadlineMs ?? 10_000;
  const retry = o.retryPeriodMs ?? 2_000;
  let observed: { holder: string; rv: string; at: number; durationMs: number } | undefined;
  let lastLeader = '';

  const sleep = (ms: number) => clock.sleep(ms, signal).catch(() => undefined);

  async function tryAcquireOrRenew(): Promise<boolean> {
    const now = clock.now();
    const spec: LeaseSpec = { holderIdentity: o.identity, leaseDurationSeconds: Math.max(1, Math.ceil(duration / 1000)), renewTime: microTime(now) };
    let lease: Lease;
    try {
      lease = await client.get<Lease>(R.leases, ns, o.name);
    } catch (e) {
      if (!isStatusError(e) || e.code !== 404) throw e;
      await client.create(R.leases, ns, { metadata: { name: o.name, namespace: ns }, spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 } });
      observed = { holder: o.identity, rv: '', at: now, durationMs: duration };
      return true;
    }
    const cur = lease.spec ?? {};
    const rv = lease.metadata?.resourceVersion ?? '';
    if (!observed || observed.rv !== rv) observed = observe(lease, now);
    if (observed.holder !== lastLeader) { lastLeader = observed.holder; if (lastLeader) cb.onNewLeader?.(lastLeader); }
    const heldByOther = !!cur.holderIdentity && cur.holderIdentity !== o.identity;
    const expiresAt = observed.at + (cur.leaseDurationSeconds ?? 0) * 1000;
    if (heldByOther && expiresAt > now) return false;
    const next: Lease = {
      ...lease,
      spec: {
        ...cur, ...spec,
        acquireTime: cur.holderIdentity === o.identity ? cur.acquireTime ?? microTime(now) : microTime(now),
        leaseTransitions: (cur.leaseTransitions ?? 0) + (cur.holderIdentity === o.identity ? 0 : 1),
      },
    };
    const updated = await client.update<Lease>(R.leases, ns, next);
    observed = { holder: o.identity, rv: updated.metadata?.resourceVersion ?? '', at: now, durationMs: duration };
    return true;
  }

  function observe(lease: Lease, at: number) {
    return { holder: lease.spec?.holderIdentity ?? '', rv: lease.metadata?.resourceVersion ?? '', at, durationMs: (lease.spec?.leaseDurationSeconds ?? 0) * 1000 };
  }

  /** While we wait: note each change of the lease as it happens (our clock). Ends with `stop`. */
  async function followLease(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        for await (const ev of client.watch<Lease>(R.leases, ns, { fieldSelector: `metadata.name=${o.name}` }, stop)) {
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
          const rv = ev.object.metadata?.resourceVersion ?? '';
          if (observed?.rv !== rv) observed = observe(ev.object, clock.now());
        }
      } catch (e) { if (!stop.aborted) o.log?.debug({ err: e, lease: o.name }, 'lease watch failed'); }
      await clock.sleep(retry, stop).catch(() => undefined);
    }
  }

  /** Until the next attempt: a retry period, or less when the lease we saw runs out sooner. */
  function untilNextTry(): number {
    if (!observed || observed.holder === o.identity) return retry;
    if (observed.holder === '') return 10; // released: take it now
    return Math.max(10, Math.min(retry, observed.at + observed.durationMs - clock.now() + 10));
  }

  async function release(): Promise<void> {
    try {
      const lease = await client.get<Lease>(R.leases, ns, o.name);
      if (lease.spec?.holderIdentity !== o.identity) return;
      await client.update(R.leases, ns, { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(clock.now()) } });
    } catch (e) { o.log?.debug({ err: e }, 'lease release failed'); }
  }

  while (!signal.aborted) {
    // Acquire.
    const waiting = new AbortController();
    const stopWaiting = () => waiting.abort();
    signal.addEventListener('abort', stopWaiting, { once: true });
    const following = followLease(waiting.signal);
    try {
      for (;;) {
        if (signal.aborted) return;
        try { if (await tryAcquireOrRenew()) break; } catch (e) { o.log?.debug({ err: e, lease: o.name }, 'acquire failed'); }
        await sleep(untilNextTry());
      }
    } finally {
      signal.removeEventListener('abort', stopWaiting);
      waiting.abort();
      await following;
    }
    o.log?.info({ lease: `${ns}/${o.name}`, identity: o.identity }, 'became leader');
    if (lastLeader !== o.identity) { lastLeader = o.identity; cb.onNewLeader?.(o.identity); }
    const leading = new AbortController();
    const onStop = () => leading.abort();
    signal.addEventListener('abort', onStop, { once: true });
    const work = Promise.resolve().then(() => cb.onStartedLeading(leading.signal)).catch((e) => o.log?.error({ err: e }, 'leader work failed'));
    // Renew until we can't.
    let lastRenew = clock.now();
    while (!signal.aborted) {
      await sleep(retry);
      if (signal.aborted) break;
      try {
        if (await tryAcquireOrRenew()) { lastRenew = clock.now(); continue; }
        break; // someone else holds it now
      } catch (e) {
        o.log?.debug({ err: e, lease: o.name }, 'renew failed');
        if (clock.now() - lastRenew > renewDeadline) break;
      }
    }
    signal.removeEventListener('abort', onStop);
    leading.abort();
    if (!signal.aborted) o.log?.warn({ lease: `${ns}/${o.name}` }, 'leadership lost');
    cb.onStoppedLeading?.();
    await work;
    if (signal.aborted) { if (o.releaseOnCancel) await release(); return; }
  }
}
