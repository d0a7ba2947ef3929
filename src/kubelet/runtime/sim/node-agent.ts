// The node half of a sim kubelet: registration, status posts (at once when the stored status is
// not what the kubelet would say, else every statusReportMs) and Lease renewals every heartbeat
// (pkg/kubelet/kubelet_node_status.go, pkg/kubelet/nodelease). One work queue carries two keys per
// node, `node/<name>` and `lease/<name>`, each re-queued at its next due time; a stopped node's
// keys simply find it not alive and stop re-queueing.
import type { Logger } from 'pino';
import { R } from '../../../client/index.js';
import type { ApiClient, Lister, WorkQueue } from '../../../client/types.js';
import type { Clock } from '../../../machinery/clock.js';
import { isStatusError } from '../../../machinery/errors.js';
import type { KubeObject } from '../../../machinery/object.js';
import type { Result } from '../../../controllers/runtime/types.js';
import { conditionsCurrent, leaseObject, nodeObject, nodeStatus, NODE_LEASE_NAMESPACE, type NodeIdentity } from './node-object.js';
import type { PodIpPool } from './ip-pool.js';
import type { SimNodeObject } from './types.js';

/** One node of this process. */
export interface NodeState {
  readonly id: NodeIdentity;
  readonly pool: PodIpPool;
  alive: boolean;
  /** Registered (created, or found existing) in its current life. */
  registered: boolean;
  lastStatusAt: number;
  leaseRv?: string;
  nodeUid?: string;
  /** Settled once the current life's registration is done. */
  waiters: Array<{ resolve: () => void; reject: (e: Error) => void }>;
}

export interface NodeAgentDeps {
  client: ApiClient;
  clock: Clock;
  log: Logger;
  queue: WorkQueue;
  nodes: Lister<SimNodeObject>;
  states: ReadonlyMap<string, NodeState>;
  heartbeatMs: number;
  statusReportMs: number;
}

const jitter = (ms: number): number => Math.round(ms * (1 - 0.04 * Math.random()));

export const nodeKey = (name: string): string => `node/${name}`;
export const leaseKey = (name: string): string => `lease/${name}`;

export class NodeAgent {
  constructor(private readonly d: NodeAgentDeps) {}

  reconcile(key: string): Promise<Result | void> {
    const slash = key.indexOf('/');
    const kind = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const st = this.d.states.get(name);
    if (!st?.alive) return Promise.resolve();
    return kind === 'lease' ? this.#renewLease(name, st) : this.#syncNode(name, st);
  }

  #settle(st: NodeState, err?: Error): void {
    for (const w of st.waiters.splice(0)) if (err) w.reject(err); else w.resolve();
  }

  async #syncNode(name: string, st: NodeState): Promise<Result | void> {
    const now = this.d.clock.now();
    if (!st.registered) {
      try {
        const created = await this.d.client.create(R.nodes, '', nodeObject(st.id, now));
        st.nodeUid = created.metadata?.uid;
        st.lastStatusAt = now;
        st.registered = true;
        this.d.log.debug({ node: name }, 'node registered');
        this.#settle(st);
        this.d.queue.add(leaseKey(name));
        return { requeueAfterMs: jitter(this.d.statusReportMs) };
      } catch (e) {
        if (isStatusError(e) && e.code === 409) {
          // Registered before (an earlier run of this node): take it over and post our status.
          st.registered = true;
          st.lastStatusAt = 0;
          this.#settle(st);
          this.d.queue.add(leaseKey(name));
        } else if (isStatusError(e) && e.code >= 400 && e.code < 500 && e.code !== 429) {
          st.alive = false;
          this.d.log.error({ node: name, err: e }, 'node registration refused');
          this.#settle(st, e);
          return;
        } else {
          throw e;
        }
      }
    }
    const stored = this.d.nodes.get(name);
    const due = st.lastStatusAt + this.d.statusReportMs;
    const stale = st.lastStatusAt === 0 || (stored !== undefined && !conditionsCurrent(stored)) || now >= due;
    if (!stale) return { requeueAfterMs: Math.max(1, due - now) };
    try {
      const res = await this.d.client.patch<KubeObject>(R.nodes, '', name, { status: nodeStatus(st.id, now, stored) }, 'strategic', { subresource: 'status' });
      st.nodeUid = res.metadata?.uid ?? st.nodeUid;
      st.lastStatusAt = now;
    } catch (e) {
      if (isStatusError(e) && e.code === 404) return; // deleted: the informer's delete stops the node
      throw e;
    }
    return { requeueAfterMs: jitter(this.d.statusReportMs) };
  }

  async #renewLease(name: string, st: NodeState): Promise<Result | void> {
    const durationSeconds = Math.max(1, Math.round((4 * this.d.heartbeatMs) / 1000));
    const next = { requeueAfterMs: jitter(this.d.heartbeatMs) };
    const build = (rv?: string) => leaseObject(name, { now: this.d.clock.now(), durationSeconds, ...(rv ? { resourceVersion: rv } : {}), ...(st.nodeUid ? { nodeUid: st.nodeUid } : {}) });
    try {
      if (st.leaseRv) {
        try {
          const res = await this.d.client.update(R.leases, NODE_LEASE_NAMESPACE, build(st.leaseRv));
          st.leaseRv = res.metadata?.resourceVersion;
          return next;
        } catch (e) {
          if (!isStatusError(e) || (e.code !== 409 && e.code !== 404)) throw e;
          st.leaseRv = undefined; // changed or gone under us: read it again below
        }
      }
      try {
        const current = await this.d.client.get(R.leases, NODE_LEASE_NAMESPACE, name);
        const res = await this.d.client.update(R.leases, NODE_LEASE_NAMESPACE, build(current.metadata?.resourceVersion));
        st.leaseRv = res.metadata?.resourceVersion;
      } catch (e) {
        if (!isStatusError(e) || e.code !== 404) throw e;
        const res = await this.d.client.create(R.leases, NODE_LEASE_NAMESPACE, build());
        st.leaseRv = res.metadata?.resourceVersion;
      }
      return next;
    } catch (e) {
      // A missed renewal is retried soon, as the kubelet's lease controller backs off (200ms … 7s).
      this.d.log.debug({ node: name, err: e }, 'lease renewal failed');
      return { requeueAfterMs: Math.min(this.d.heartbeatMs, 1000) };
    }
  }
}
