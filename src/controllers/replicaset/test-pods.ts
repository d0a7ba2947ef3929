// Test helper (no kubelet in controller tests): plays the kubelet's part by writing pod status
// through pods/status — Running with a Ready condition, as kubelet reports a started container.
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import { rfc3339 } from '../../machinery/object.js';
import type { Pod } from './types.js';

export interface PodStatusOptions {
  phase?: 'Pending' | 'Running' | 'Unknown';
  ready?: boolean;
  restartCount?: number;
  /** When the Ready condition last changed (default now). */
  readySinceMs?: number;
}

/** Patches the pod's status as kubelet would. */
export async function setPodStatus(client: ApiClient, namespace: string, name: string, o: PodStatusOptions = {}): Promise<Pod> {
  const pod = await client.get<Pod>(R.pods, namespace, name);
  const ready = o.ready ?? true;
  const at = rfc3339(o.readySinceMs ?? Date.now());
  const containers = ((pod.spec?.containers ?? []) as { name: string; image?: string }[]);
  const status = {
    phase: o.phase ?? 'Running',
    startTime: at,
    conditions: [
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
      { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at },
    ],
    containerStatuses: containers.map((c) => ({
      name: c.name, ready, restartCount: o.restartCount ?? 0, image: c.image ?? '', imageID: '', started: true,
      state: { running: { startedAt: at } },
    })),
  };
  return client.patch<Pod>(R.pods, namespace, name, { status }, 'merge', { subresource: 'status' });
}

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export interface PodReadier {
  /** Pods marked ready so far (names). */
  readonly marked: ReadonlySet<string>;
  stop(): Promise<void>;
}

export interface PodReadierOptions {
  /** Only pods this accepts are made ready. */
  filter?: (p: Pod) => boolean;
  /** A pod is made ready this long after it was first seen (a container start takes time). */
  delayMs?: number;
  intervalMs?: number;
}

/**
 * Marks every pod of `namespace` that is not ready (and passes `filter`) Running and Ready once
 * it has been seen for `delayMs` — a stand-in for kubelets. Polls every `intervalMs`.
 */
export function startPodReadier(client: ApiClient, namespace: string, o: PodReadierOptions = {}): PodReadier {
  const marked = new Set<string>();
  const firstSeen = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const list = await client.list<Pod>(R.pods, namespace);
        const now = Date.now();
        await Promise.all(list.items.map(async (p) => {
          if (isReady(p) || p.metadata?.deletionTimestamp || (o.filter && !o.filter(p))) return;
          const uid = p.metadata?.uid ?? '';
          if (!firstSeen.has(uid)) firstSeen.set(uid, now);
          if (now - (firstSeen.get(uid) ?? now) < (o.delayMs ?? 0)) return;
          try {
            await setPodStatus(client, namespace, p.metadata?.name ?? '');
            marked.add(p.metadata?.name ?? '');
          } catch { /* deleted meanwhile */ }
        }));
      } catch { /* server going away */ }
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 20));
    }
  })();
  return { marked, stop: async () => { running = false; await loop; } };
}

export interface PodObserver {
  /** The pods as the last event left them (by name). */
  readonly pods: ReadonlyMap<string, Pod>;
  stop(): Promise<void>;
}

/**
 * Follows the pods matching `labelSelector` through a watch and calls `onChange` after every
 * event with the whole set, so a test sees every state the API went through, in order.
 */
export async function observePods(client: ApiClient, namespace: string, labelSelector: string, onChange: (pods: ReadonlyMap<string, Pod>) => void): Promise<PodObserver> {
  const pods = new Map<string, Pod>();
  const list = await client.list<Pod>(R.pods, namespace, { labelSelector });
  for (const p of list.items) pods.set(p.metadata?.name ?? '', p);
  onChange(pods);
  const abort = new AbortController();
  const loop = (async () => {
    for await (const ev of client.watch<Pod>(R.pods, namespace, { labelSelector, resourceVersion: list.metadata.resourceVersion ?? '0' }, abort.signal)) {
      const name = ev.object.metadata?.name ?? '';
      if (ev.type === 'DELETED') pods.delete(name);
      else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') pods.set(name, ev.object);
      else continue;
      onChange(pods);
    }
  })().catch(() => undefined);
  return { pods, stop: async () => { abort.abort(); await loop; } };
}
