// The pod half of a sim kubelet: for each pod bound to one of our nodes, find the next stage
// (pod-stages.ts) and write it — a status patch, or the final delete with gracePeriodSeconds=0 —
// or come back when it is due. Level-triggered: every decision is taken from the pod as cached
// plus a small record of what this process saw and when.
import type { Logger } from 'pino';
import { R, splitKey } from '../../../client/index.js';
import type { ApiClient, Lister } from '../../../client/types.js';
import type { Clock } from '../../../machinery/clock.js';
import { isStatusError } from '../../../machinery/errors.js';
import type { Result } from '../../../controllers/runtime/types.js';
import { nextPodAction, type PodRecord } from './pod-stages.js';
import type { NodeState } from './node-agent.js';
import type { SimPod } from './types.js';

export interface PodRunnerDeps {
  client: ApiClient;
  clock: Clock;
  log: Logger;
  pods: Lister<SimPod>;
  states: ReadonlyMap<string, NodeState>;
  startDelayMs: number;
  terminationGraceCapMs: number;
  crashLoopBackoffMs: number;
}

interface Tracked extends PodRecord {
  /** The resourceVersion we last acted on: until the cache moves past it, there is nothing new to do. */
  actedRv?: string;
}

const NO_IP_RETRY_MS = 10_000;

export class PodRunner {
  readonly #records = new Map<string, Tracked>();

  constructor(private readonly d: PodRunnerDeps) {}

  /** The pod's node, when it is one of ours and alive. */
  nodeOf(pod: Readonly<SimPod>): NodeState | undefined {
    const name = pod.spec?.nodeName;
    const st = name ? this.d.states.get(name) : undefined;
    return st?.alive ? st : undefined;
  }

  /** A pod seen with an IP (after a restart of this process): keep its address taken. */
  observe(key: string, pod: Readonly<SimPod>): void {
    const ip = pod.status?.podIP;
    const st = this.nodeOf(pod);
    if (st && ip && !pod.spec?.hostNetwork) st.pool.assign(key, ip);
  }

  forget(key: string, pod: Readonly<SimPod>): void {
    this.#records.delete(key);
    const name = pod.spec?.nodeName;
    if (name) this.d.states.get(name)?.pool.release(key);
  }

  get tracked(): number { return this.#records.size; }

  async reconcile(key: string): Promise<Result | void> {
    const pod = this.d.pods.get(key);
    if (!pod) return;
    const st = this.nodeOf(pod);
    if (!st) return;
    const now = this.d.clock.now();
    let rec = this.#records.get(key);
    if (!rec) this.#records.set(key, (rec = { seenAt: now }));
    if (rec.actedRv !== undefined && rec.actedRv === pod.metadata?.resourceVersion) return;
    if (pod.metadata?.deletionTimestamp && rec.terminatingAt === undefined) rec.terminatingAt = now;

    const hostIP = st.id.internalIP;
    let podIP = pod.status?.podIP ?? '';
    if (pod.spec?.hostNetwork) podIP = hostIP;
    else if (!podIP && (pod.status?.phase ?? 'Pending') === 'Pending' && !pod.metadata?.deletionTimestamp) {
      try {
        podIP = st.pool.assign(key);
      } catch (e) {
        this.d.log.warn({ pod: key, node: st.id.spec.name, err: e }, 'no pod IP available; pod stays Pending');
        return { requeueAfterMs: NO_IP_RETRY_MS };
      }
    }

    const action = nextPodAction(pod, {
      now, hostIP, podIP, record: rec,
      startDelayMs: this.d.startDelayMs, terminationGraceCapMs: this.d.terminationGraceCapMs, crashLoopBackoffMs: this.d.crashLoopBackoffMs,
    });
    if (action.kind === 'none') return;
    if (action.kind === 'wait') return { requeueAfterMs: Math.max(1, action.untilMs - now) };

    const { namespace, name } = splitKey(key);
    const uid = pod.metadata?.uid;
    try {
      if (action.kind === 'delete') {
        await this.d.client.delete(R.pods, namespace, name, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
      } else {
        // metadata.uid makes the patch fail rather than touch a new pod of the same name.
        await this.d.client.patch(R.pods, namespace, name, { metadata: { uid }, status: action.status }, 'strategic', { subresource: 'status' });
        if (action.stage === 'start' || action.stage === 'restart') rec.runningAt = now;
        if (action.stage === 'exit') rec.exitedAt = now;
      }
      rec.actedRv = pod.metadata?.resourceVersion;
      this.d.log.debug({ pod: key, stage: action.stage }, 'pod stage written');
    } catch (e) {
      if (isStatusError(e) && (e.code === 404 || e.code === 409 || e.code === 422)) {
        this.d.log.debug({ pod: key, stage: action.stage, err: e }, 'pod changed under us');
        return;
      }
      throw e;
    }
  }
}
