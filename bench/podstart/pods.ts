// Pod start through the API and the kubelet: create a pod bound to the node (POST, client-side
// time), wait for the watch to show it Running with its container running, and afterwards put the
// steps in between on the same clock: the kubelet's informer receiving it and its status PATCH
// (tap.ts), its RunPodSandbox / CreateContainer / StartContainer calls (cri-tap.ts), the watch event.
import { R } from '../../src/client/index.js';
import type { ApiClient } from '../../src/client/types.js';
import { L_NODE } from '../../src/kubelet/pods/labels.js';
import type { Pod } from '../../src/kubelet/api-types.js';
import type { CriClient } from '../../src/kubelet/runtime/cri/index.js';
import type { KubeObject } from '../../src/machinery/object.js';
import type { CriTap } from './cri-tap.js';
import { wallMs, type KubeletTap } from './tap.js';

export const BENCH_LABEL = 'k8ts.io/bench';
const NS = 'default';

/** Times of one pod, in ms after its POST was sent. */
export interface PodSample {
  name: string;
  /** POST sent → Running seen on the watch: the pod start latency. */
  total: number;
  postDone: number;
  informer: number;
  sandboxSent: number;
  sandboxDone: number;
  createSent: number;
  createDone: number;
  startSent: number;
  startDone: number;
  patchSent: number;
  patchDone: number;
  watchSeen: number;
  /** Status PATCHes the kubelet sent for the pod until the round ended (it runs unchanged: 1 is right). */
  patches: number;
  /** Distinct status.startTime values among them. */
  startTimes: number;
}

/** One watch over the bench's pods; resolves waiters when a pod is Running with its first container running. */
export class RunningWatcher {
  readonly #seen = new Map<string, number>();
  readonly #waiters = new Map<string, (t: number) => void>();
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(private readonly client: ApiClient) {}

  async start(): Promise<void> {
    const list = await this.client.list(R.pods, NS, { labelSelector: BENCH_LABEL });
    let rv = list.metadata.resourceVersion;
    this.#loop = (async () => {
      while (!this.#abort.signal.aborted) {
        try {
          for await (const ev of this.client.watch<KubeObject>(R.pods, NS, { labelSelector: BENCH_LABEL, allowWatchBookmarks: true, ...(rv ? { resourceVersion: rv } : {}) }, this.#abort.signal)) {
            const at = wallMs();
            if (ev.type === 'ERROR') { rv = undefined; break; }
            rv = ev.object.metadata?.resourceVersion ?? rv;
            if (ev.type === 'BOOKMARK' || ev.type === 'DELETED') continue;
            const p = ev.object as Pod;
            const name = p.metadata?.name ?? '';
            if (p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.state?.running && !this.#seen.has(name)) {
              this.#seen.set(name, at);
              this.#waiters.get(name)?.(at);
              this.#waiters.delete(name);
            }
          }
        } catch (e) {
          if (this.#abort.signal.aborted) return;
          process.stderr.write(`[bench/podstart] watch broke (${String(e)}); re-watching\n`);
          await new Promise((r) => setTimeout(r, 100));
        }
        if (rv === undefined && !this.#abort.signal.aborted) rv = (await this.client.list(R.pods, NS, { labelSelector: BENCH_LABEL })).metadata.resourceVersion;
      }
    })();
  }

  running(name: string, timeoutMs: number): Promise<number> {
    const at = this.#seen.get(name);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.#waiters.delete(name); reject(new Error(`${name} not Running within ${timeoutMs} ms`)); }, timeoutMs);
      this.#waiters.set(name, (t) => { clearTimeout(timer); resolve(t); });
    });
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop?.catch(() => undefined);
  }
}

export interface PodRoundDeps {
  client: ApiClient;
  watcher: RunningWatcher;
  tap: KubeletTap;
  criTap: CriTap;
  /** The bench's own CRI client (cleanup checks). */
  cri: CriClient;
  nodeName: string;
  image: string;
}

export function podObject(name: string, nodeName: string, image: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, labels: { [BENCH_LABEL]: 'podstart' } },
    spec: {
      nodeName, restartPolicy: 'Always', terminationGracePeriodSeconds: 5,
      containers: [{ name: 'web', image, imagePullPolicy: 'IfNotPresent' }],
    },
  };
}

export interface StartedPod { name: string; t0: number; t1: number; seen: number }

/** Creates one pod (it stays until cleanPods) and waits until the watch shows it Running. */
export async function startPod(d: PodRoundDeps, name: string): Promise<StartedPod> {
  const t0 = wallMs();
  await d.client.create(R.pods, NS, podObject(name, d.nodeName, d.image));
  const t1 = wallMs();
  const seen = await d.watcher.running(name, 60_000);
  return { name, t0, t1, seen };
}

/** The steps of started pods, from the taps (read after the round). */
export function podSample(d: PodRoundDeps, r: StartedPod): PodSample {
  const rel = (t: number | undefined) => (t === undefined ? NaN : t - r.t0);
  const k = d.tap.times(r.name);
  const c = d.criTap.pod(r.name);
  return {
    name: r.name,
    total: r.seen - r.t0,
    postDone: r.t1 - r.t0,
    informer: rel(k?.informerAt),
    sandboxSent: rel(c?.runPodSandbox?.sentAt),
    sandboxDone: rel(c?.runPodSandbox?.doneAt),
    createSent: rel(c?.createContainer?.sentAt),
    createDone: rel(c?.createContainer?.doneAt),
    startSent: rel(c?.startContainer?.sentAt),
    startDone: rel(c?.startContainer?.doneAt),
    patchSent: rel(k?.runningPatchSentAt),
    patchDone: rel(k?.runningPatchDoneAt),
    watchSeen: r.seen - r.t0,
    patches: k?.patches ?? 0,
    startTimes: k?.startTimes.size ?? 0,
  };
}

/** Deletes the bench's pods and waits until the API and the node hold none of them. */
export async function cleanPods(d: PodRoundDeps, timeoutMs = 120_000): Promise<number> {
  const t0 = Date.now();
  await d.client.deleteCollection(R.pods, NS, { labelSelector: BENCH_LABEL });
  for (;;) {
    const left = (await d.client.list(R.pods, NS, { labelSelector: BENCH_LABEL })).items.length;
    const sandboxes = (await d.cri.listPodSandbox({ label_selector: { [L_NODE]: d.nodeName } })).length;
    const containers = (await d.cri.listContainers({ label_selector: { [L_NODE]: d.nodeName } })).length;
    if (left === 0 && sandboxes === 0 && containers === 0) break;
    if (Date.now() - t0 > timeoutMs) throw new Error(`node not clean after ${timeoutMs} ms: ${left} pods, ${sandboxes} sandboxes, ${containers} containers`);
    await new Promise((r) => setTimeout(r, 200));
  }
  d.tap.clear();
  d.criTap.clear();
  return Date.now() - t0;
}
