// The node half of the kubelet: register the Node (or take over the one that exists), post its
// status when it changes (and every statusReportMs regardless), renew its Lease every heartbeat
// (pkg/kubelet/kubelet_node_status.go, pkg/kubelet/nodelease).
import type { Logger } from 'pino';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { Clock } from '../../machinery/clock.js';
import { isStatusError } from '../../machinery/errors.js';
import { rfc3339Micro, type KubeObject } from '../../machinery/object.js';
import type { NodeObject } from '../api-types.js';
import { nodeLabels, nodeStatus, statusCurrent, type NodeStatusInput } from './status.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeAgentOptions {
  client: ApiClient;
  clock: Clock;
  log: Logger;
  name: string;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  heartbeatMs: number;
  statusReportMs: number;
  /** The status inputs that change (runtime state, images, podCIDR readiness). */
  observe(): Promise<Omit<NodeStatusInput, 'now' | 'current'>>;
  /** The stored Node, from the kubelet's node informer. */
  stored(): NodeObject | undefined;
}

export class NodeAgent {
  #uid: string | undefined;
  #leaseRv: string | undefined;
  #lastPost = 0;

  constructor(private readonly o: NodeAgentOptions) {}

  /** Creates the Node, or finds it registered before (a restarted kubelet keeps its Node). */
  async register(): Promise<void> {
    const { client, name } = this.o;
    const input = await this.o.observe();
    const now = this.o.clock.now();
    const node: KubeObject = {
      apiVersion: 'v1', kind: 'Node',
      metadata: {
        name, labels: nodeLabels(name, this.o.labels),
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: this.o.taints?.length ? { taints: this.o.taints } : {},
      status: nodeStatus({ ...input, now }),
    };
    try {
      const created = await client.create(R.nodes, '', node);
      this.#uid = created.metadata?.uid;
      this.#lastPost = now;
      this.o.log.info({ node: name }, 'node registered');
    } catch (e) {
      if (!(isStatusError(e) && e.code === 409)) throw e;
      const existing = await client.get<NodeObject>(R.nodes, '', name);
      this.#uid = existing.metadata?.uid;
      await this.postStatus(true);
      this.o.log.info({ node: name }, 'node was registered before; taking it over');
    }
  }

  /** Posts the status if it changed, or if the report period passed, or if forced. */
  async postStatus(force = false): Promise<void> {
    const now = this.o.clock.now();
    const stored = this.o.stored();
    const want = nodeStatus({ ...(await this.o.observe()), now, ...(stored ? { current: stored } : {}) });
    if (!force && statusCurrent(stored, want) && now - this.#lastPost < this.o.statusReportMs) return;
    const res = await this.o.client.patch<NodeObject>(R.nodes, '', this.o.name, { status: want }, 'strategic', { subresource: 'status' });
    this.#uid = res.metadata?.uid ?? this.#uid;
    this.#lastPost = now;
  }

  async renewLease(): Promise<void> {
    const { client, name } = this.o;
    const durationSeconds = Math.max(1, Math.round((4 * this.o.heartbeatMs) / 1000));
    const build = (rv?: string): KubeObject => ({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: {
        name, namespace: NODE_LEASE_NAMESPACE, ...(rv ? { resourceVersion: rv } : {}),
        ...(this.#uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: this.#uid }] } : {}),
      },
      spec: { holderIdentity: name, leaseDurationSeconds: durationSeconds, renewTime: rfc3339Micro(this.o.clock.now()) },
    });
    if (this.#leaseRv) {
      try {
        this.#leaseRv = (await client.update(R.leases, NODE_LEASE_NAMESPACE, build(this.#leaseRv))).metadata?.resourceVersion;
        return;
      } catch (e) {
        if (!isStatusError(e) || (e.code !== 409 && e.code !== 404)) throw e;
      }
    }
    try {
      const cur = await client.get(R.leases, NODE_LEASE_NAMESPACE, name);
      this.#leaseRv = (await client.update(R.leases, NODE_LEASE_NAMESPACE, build(cur.metadata?.resourceVersion))).metadata?.resourceVersion;
    } catch (e) {
      if (!isStatusError(e) || e.code !== 404) throw e;
      this.#leaseRv = (await client.create(R.leases, NODE_LEASE_NAMESPACE, build())).metadata?.resourceVersion;
    }
  }

  /** Heartbeats until the signal aborts: Lease every heartbeatMs, status checked as often. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try { await this.renewLease(); } catch (e) { this.o.log.warn({ err: e }, 'lease renewal failed'); }
      try { await this.postStatus(); } catch (e) { this.o.log.warn({ err: e }, 'node status update failed'); }
      await this.o.clock.sleep(this.o.heartbeatMs, signal).catch(() => undefined);
    }
  }
}
