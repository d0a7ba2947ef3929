// Test helper (controller tests have no kubelet and no scheduler): plays both parts for the pods
// of one namespace. A pod without a node is bound through pods/binding to the node its required
// node affinity names (DaemonSet pods: matchFields metadata.name In [node]) or to `defaultNode`;
// a bound Pending pod that `shouldStart` lets through goes Running with Ready=True after
// `startDelayMs`; a bound pod marked for deletion is removed (grace period 0) after
// `terminateDelayMs`, as a kubelet does once its containers stopped.
import { createInformerFactory, R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import { rfc3339 } from '../../machinery/object.js';
import { isStatusError } from '../../machinery/errors.js';

export interface TestPod {
  metadata?: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string; [k: string]: unknown };
  spec?: {
    nodeName?: string;
    containers?: { name: string; image?: string }[];
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchFields?: { key: string; operator: string; values?: string[] }[] }[] } } };
    [k: string]: unknown;
  };
  status?: { phase?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[]; [k: string]: unknown };
  [k: string]: unknown;
}

export interface FakeKubeletOptions {
  client: ApiClient;
  namespace: string;
  /** Node for pods whose affinity names none; without it such pods stay unbound (and Pending). */
  defaultNode?: string;
  /** Whether a bound Pending pod may start now (default: every pod). Call kick() after changing the answer. */
  shouldStart?: (pod: Readonly<TestPod>) => boolean;
  startDelayMs?: number;
  terminateDelayMs?: number;
}

export interface FakeKubelet {
  /** Looks at every pod again (after shouldStart changed its mind). */
  kick(): void;
  /** Marks a running pod not ready (a failing readiness probe). */
  setReady(name: string, ready: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** The node a DaemonSet pod is pinned to by its required node affinity. */
export function affinityNode(p: Readonly<TestPod>): string | undefined {
  for (const t of p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

function runningStatus(p: Readonly<TestPod>, ready: boolean): Record<string, unknown> {
  const at = rfc3339(Date.now());
  return {
    phase: 'Running',
    startTime: at,
    conditions: [
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
      { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    ],
    containerStatuses: (p.spec?.containers ?? []).map((c) => ({
      name: c.name, ready, restartCount: 0, image: c.image ?? '', imageID: '', started: true, state: { running: { startedAt: at } },
    })),
  };
}

export function startFakeKubelet(o: FakeKubeletOptions): FakeKubelet {
  const abort = new AbortController();
  const factory = createInformerFactory(o.client, {});
  const pods = factory.informerFor<TestPod & { metadata?: Record<string, unknown> }>(R.pods, { namespace: o.namespace });
  const busy = new Set<string>(); // uid:step already in hand
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const pending = new Set<Promise<unknown>>();

  const later = (ms: number, fn: () => Promise<unknown>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (abort.signal.aborted) return;
      const p = fn().catch((e: unknown) => { if (!(isStatusError(e) && (e.code === 404 || e.code === 409))) throw e; }).catch(() => undefined);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }, ms);
    timers.add(t);
  };

  const once = (p: Readonly<TestPod>, step: string, ms: number, fn: () => Promise<unknown>) => {
    const id = `${p.metadata?.uid ?? ''}:${step}`;
    if (busy.has(id)) return;
    busy.add(id);
    later(ms, async () => {
      try { await fn(); } finally { busy.delete(id); }
    });
  };

  const look = (p: Readonly<TestPod>) => {
    const name = p.metadata?.name ?? '';
    if (p.metadata?.deletionTimestamp) {
      if (p.spec?.nodeName) {
        once(p, 'terminate', o.terminateDelayMs ?? 0, () =>
          o.client.delete(R.pods, o.namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata?.uid ?? '' } }));
      }
      return;
    }
    if (!p.spec?.nodeName) {
      const node = affinityNode(p) ?? o.defaultNode;
      if (!node) return;
      once(p, 'bind', 0, () => o.client.create(R.pods, o.namespace, {
        apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: o.namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node },
      }, { subresource: 'binding' }));
      return;
    }
    if (p.status?.phase === 'Pending' && (o.shouldStart?.(p) ?? true)) {
      once(p, 'start', o.startDelayMs ?? 0, () =>
        o.client.patch(R.pods, o.namespace, name, { status: runningStatus(p, true) }, 'merge', { subresource: 'status' }));
    }
  };

  pods.on({ add: look, update: (_old, cur) => look(cur) });
  factory.start(abort.signal);

  return {
    kick: () => { for (const p of pods.lister.list()) look(p); },
    setReady: async (name, ready) => {
      const p = await o.client.get<TestPod>(R.pods, o.namespace, name);
      await o.client.patch(R.pods, o.namespace, name, { status: runningStatus(p, ready) }, 'merge', { subresource: 'status' });
    },
    stop: async () => {
      abort.abort();
      for (const t of timers) clearTimeout(t);
      await Promise.all([...pending]);
    },
  };
}
