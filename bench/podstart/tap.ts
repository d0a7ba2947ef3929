// The kubelet's view of the API, timed: an ApiClient that passes every call through unchanged and
// notes, per pod name, when the kubelet's pod watch delivered the pod (its informer) and when the
// kubelet's first Running status patch was sent and answered. Nothing in the kubelet changes.
import type { ApiClient, WatchEvent } from '../../src/client/types.js';
import type { KubeObject } from '../../src/machinery/object.js';

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with containerd's ns timestamps). */
export const wallMs = (): number => performance.timeOrigin + performance.now();

export interface KubeletApiTimes {
  /** The kubelet's pod watch yielded the pod (ADDED). */
  informerAt?: number;
  /** The first status PATCH saying Running with the container running: sent, answered. */
  runningPatchSentAt?: number;
  runningPatchDoneAt?: number;
  /** Status PATCHes the kubelet sent for the pod (all phases). */
  patches: number;
  /** The distinct status.startTime values those PATCHes carried (more than one: the kubelet changed its mind). */
  startTimes: Set<string>;
}

export interface KubeletTap {
  client: ApiClient;
  times(name: string): KubeletApiTimes | undefined;
  clear(): void;
}

interface PodLike { metadata?: { name?: string }; status?: { phase?: string; containerStatuses?: Array<{ state?: { running?: unknown } }> } }

const isRunning = (s: PodLike['status'] | undefined): boolean => s?.phase === 'Running' && !!s.containerStatuses?.[0]?.state?.running;

export function tapKubeletClient(inner: ApiClient): KubeletTap {
  const byName = new Map<string, KubeletApiTimes>();
  const entry = (name: string): KubeletApiTimes => {
    let e = byName.get(name);
    if (!e) byName.set(name, (e = { patches: 0, startTimes: new Set() }));
    return e;
  };
  const watch = <T extends KubeObject>(...args: Parameters<ApiClient['watch']>): AsyncIterable<WatchEvent<T>> => {
    const [ref] = args;
    const stream = inner.watch<T>(...args);
    if (ref.resource !== 'pods') return stream;
    return (async function* () {
      for await (const ev of stream) {
        if (ev.type === 'ADDED') {
          const name = (ev.object as PodLike).metadata?.name;
          if (name) { const e = entry(name); e.informerAt ??= wallMs(); }
        }
        yield ev;
      }
    })();
  };
  const patch: ApiClient['patch'] = async (ref, namespace, name, body, type, opts) => {
    if (ref.resource !== 'pods' || opts?.subresource !== 'status') return inner.patch(ref, namespace, name, body, type, opts);
    const e = entry(name);
    e.patches++;
    const startTime = (body as { status?: { startTime?: string } }).status?.startTime;
    if (startTime) e.startTimes.add(startTime);
    const running = isRunning((body as PodLike).status) && e.runningPatchSentAt === undefined;
    const sent = wallMs();
    const out = await inner.patch(ref, namespace, name, body, type, opts);
    if (running) { e.runningPatchSentAt = sent; e.runningPatchDoneAt = wallMs(); }
    return out as never;
  };
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'watch') return watch;
      if (prop === 'patch') return patch;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { client, times: (name) => byName.get(name), clear: () => byName.clear() };
}
