// Node lifecycle (kube's NodeLifecycleController with taint-based eviction): node Leases are the
// heartbeats; a node not heard from for nodeMonitorGracePeriodMs gets its kubelet conditions set
// to Unknown, the unreachable taints (or not-ready when its kubelet says Ready=False), and its pods
// marked not ready; the taint manager then evicts pods after their tolerationSeconds. Taints go
// when the kubelet posts Ready=True again.
//
// Not modelled: zone disruption modes and eviction rate limits (kube stops evicting when a whole
// zone is down and taints at most --node-eviction-rate nodes a second); here every silent node is
// tainted at once, so a one-node cluster whose node stops does evict.
import { R, createWorkQueue, INDEX_NODE, objectKey } from '../../client/index.js';
import type { Informer } from '../../client/types.js';
import { rfc3339 } from '../../machinery/object.js';
import { isStatusError } from '../../machinery/errors.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext } from '../runtime/index.js';
import { HeartbeatTracker, readyStatus, reconcileTaints, silentNodeConditions, KUBELET_CONDITIONS, conditionOf } from './node-health.js';
import { TaintEviction } from './taint-eviction.js';
import { NODE_LEASE_NAMESPACE, type Lease, type Node, type Pod } from './types.js';

export const DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS = 40_000;
export const DEFAULT_NODE_MONITOR_PERIOD_MS = 5_000;

const sameTaints = (a: Readonly<Node>, b: Readonly<Node>): boolean =>
  JSON.stringify(a.spec?.taints ?? []) === JSON.stringify(b.spec?.taints ?? []);

export function nodeLifecycleController(ctx: ControllerContext): Controller {
  const name = 'nodelifecycle';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const grace = ctx.config.nodeMonitorGracePeriodMs ?? DEFAULT_NODE_MONITOR_GRACE_PERIOD_MS;
      const period = ctx.config.nodeMonitorPeriodMs ?? DEFAULT_NODE_MONITOR_PERIOD_MS;
      const nodes = ctx.informers.informerFor<Node>(R.nodes);
      const leases: Informer<Lease> = ctx.informers.informerFor<Lease>(R.leases, { namespace: NODE_LEASE_NAMESPACE });
      const pods = ctx.informers.informerFor<Pod>(R.pods);
      const tracker = new HeartbeatTracker();
      const eviction = new TaintEviction({ client: ctx.client, pods: pods.lister, nodes: nodes.lister, events: ctx.events, clock: ctx.clock });
      const nodeQueue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 30_000 });
      const podQueue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 30_000 });
      const registered = new Set<string>();

      const leaseOf = (nodeName: string) => leases.lister.get(`${NODE_LEASE_NAMESPACE}/${nodeName}`);
      const enqueuePodsOn = (nodeName: string) => { for (const p of pods.lister.byIndex(INDEX_NODE, nodeName)) podQueue.add(objectKey(p)); };

      nodes.on({
        add: (n) => {
          const nodeName = n.metadata?.name ?? '';
          if (!registered.has(nodeName)) {
            registered.add(nodeName);
            ctx.events.record(n, 'Normal', 'RegisteredNode', `Node ${nodeName} event: Registered Node ${nodeName} in Controller`);
          }
          nodeQueue.add(nodeName);
        },
        update: (o, n) => {
          const nodeName = n.metadata?.name ?? '';
          nodeQueue.add(nodeName);
          if (!sameTaints(o, n)) enqueuePodsOn(nodeName);
        },
        delete: (n) => {
          const nodeName = n.metadata?.name ?? '';
          tracker.forget(nodeName);
          registered.delete(nodeName);
          enqueuePodsOn(nodeName);
        },
      });
      pods.on({
        add: (p) => { const k = objectKey(p); if (eviction.interested(p, k)) podQueue.add(k); },
        update: (_o, p) => { const k = objectKey(p); if (eviction.interested(p, k)) podQueue.add(k); },
        delete: (p) => eviction.forget(objectKey(p)),
      });

      /** The node's status after the kubelet went silent, written; returns the node as stored. */
      const markSilent = async (node: Readonly<Node>): Promise<Readonly<Node>> => {
        const conditions = silentNodeConditions(node, ctx.clock.now());
        if (!conditions) return node;
        const next = structuredClone(node) as Node;
        next.status = { ...(next.status ?? {}), conditions };
        const stored = await ctx.client.update<Node>(R.nodes, '', next, { subresource: 'status' });
        const nodeName = node.metadata?.name ?? '';
        log.info({ node: nodeName }, 'node stopped posting status; marked Unknown');
        if (readyStatus(node) === 'True') ctx.events.record(node, 'Normal', 'NodeNotReady', `Node ${nodeName} status is now: NodeNotReady`);
        return stored;
      };

      /** kube's MarkPodsNotReady: pods on a node that is not Ready are not Ready either. */
      const markPodsNotReady = async (nodeName: string): Promise<void> => {
        for (const pod of pods.lister.byIndex(INDEX_NODE, nodeName)) {
          const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
          if (ready?.status !== 'True' || pod.metadata?.deletionTimestamp) continue;
          const phase = pod.status?.phase;
          if (phase === 'Succeeded' || phase === 'Failed') continue;
          try {
            await ctx.client.patch(R.pods, pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', {
              metadata: { uid: pod.metadata?.uid },
              status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: rfc3339(ctx.clock.now()) }] },
            }, 'strategic', { subresource: 'status' });
            ctx.events.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
          } catch (e) {
            if (!(isStatusError(e) && e.code === 404)) throw e;
          }
        }
      };

      const reconcileNode = async (nodeName: string): Promise<void> => {
        let node = nodes.lister.get(nodeName);
        if (!node) return;
        const heardAt = tracker.observe(node, leaseOf(nodeName), ctx.clock.now());
        if (ctx.clock.now() - heardAt > grace) node = await markSilent(node);
        const taints = reconcileTaints(node, ctx.clock.now());
        if (taints) {
          const next = structuredClone(node) as Node;
          next.spec = { ...(next.spec ?? {}), taints };
          node = await ctx.client.update<Node>(R.nodes, '', next);
          log.debug({ node: nodeName, taints: taints.map((t) => `${t.key}:${t.effect}`) }, 'node taints updated');
        }
        if (readyStatus(node) !== 'True') await markPodsNotReady(nodeName);
      };

      /** kube's monitorNodeHealth pass: note heartbeats, queue the nodes that went silent. */
      const monitor = () => {
        const now = ctx.clock.now();
        for (const node of nodes.lister.list()) {
          const nodeName = node.metadata?.name ?? '';
          const heardAt = tracker.observe(node, leaseOf(nodeName), now);
          const silent = now - heardAt > grace && KUBELET_CONDITIONS.some((t) => conditionOf(node, t)?.status !== 'Unknown');
          if (silent || reconcileTaints(node, now)) nodeQueue.add(nodeName);
        }
      };

      if (!await waitForSync(signal, nodes, leases, pods)) return;
      const monitorLoop = (async () => {
        while (!signal.aborted) {
          monitor();
          await ctx.clock.sleep(period, signal).catch(() => undefined);
        }
      })();
      await Promise.all([
        runWorkers({ name, queue: nodeQueue, workers: ctx.config.workers ?? 4, reconcile: reconcileNode, log, signal }),
        runWorkers({ name: `${name}-taint-eviction`, queue: podQueue, workers: ctx.config.workers ?? 8, reconcile: (k) => eviction.reconcile(k), log, signal }),
        monitorLoop,
      ]);
    },
  };
}
