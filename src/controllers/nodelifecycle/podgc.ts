// Pod garbage collection (pkg/controller/podgc/gc_controller.go). Every period it force-deletes
// (gracePeriodSeconds=0, since no kubelet will finish them):
// - orphaned pods: bound to a node that has not existed for a quarantine time (checked against the
//   API, not only the cache), marked Failed with a DisruptionTarget condition first;
// - terminating pods that were never scheduled;
// - terminating pods on a node that is not Ready and carries node.kubernetes.io/out-of-service;
// - the oldest terminated (Succeeded/Failed) pods beyond the threshold (kube: 12500).
// As in kube, a terminating pod on a node that is merely unreachable stays Terminating: its
// ReplicaSet has already replaced it (it ignores terminating pods), and it goes when the node
// comes back, is deleted, or is tainted out-of-service.
import { R, objectKey } from '../../client/index.js';
import type { Informer } from '../../client/types.js';
import { isStatusError } from '../../machinery/errors.js';
import { rfc3339 } from '../../machinery/object.js';
import { waitForSync, type Controller, type ControllerContext, type ControllerFactory } from '../runtime/index.js';
import { readyStatus } from './node-health.js';
import { TAINT_OUT_OF_SERVICE, type Node, type Pod } from './types.js';

export interface PodGcOptions {
  /** How often pods are checked (kube: 20s; default 20s, or 4 × nodeMonitorPeriodMs when that is set). */
  periodMs?: number;
  /** How long a pod's node must be missing before the pod is deleted (kube: 40s; default nodeMonitorGracePeriodMs ?? 40s). */
  quarantineMs?: number;
  /** Terminated pods kept at most (kube --terminated-pod-gc-threshold, 12500). */
  terminatedThreshold?: number;
}

const isTerminal = (p: Readonly<Pod>): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export function podGcControllerWith(o: PodGcOptions = {}): ControllerFactory {
  return (ctx: ControllerContext): Controller => {
    const name = 'podgc';
    const period = o.periodMs ?? (ctx.config.nodeMonitorPeriodMs ? ctx.config.nodeMonitorPeriodMs * 4 : 20_000);
    const quarantine = o.quarantineMs ?? ctx.config.nodeMonitorGracePeriodMs ?? 40_000;
    const threshold = o.terminatedThreshold ?? 12_500;
    const log = ctx.log.child({ controller: name });
    return {
      name,
      async run(signal) {
        const pods: Informer<Pod> = ctx.informers.informerFor<Pod>(R.pods);
        const nodes: Informer<Node> = ctx.informers.informerFor<Node>(R.nodes);
        /** Node names seen missing, and since when (our clock). */
        const missingSince = new Map<string, number>();

        const forceDelete = async (pod: Readonly<Pod>, why: string, condition?: { reason: string; message: string }) => {
          const ns = pod.metadata?.namespace ?? '';
          const podName = pod.metadata?.name ?? '';
          const uid = pod.metadata?.uid;
          log.info({ pod: objectKey(pod), why }, 'PodGC is force deleting Pod');
          try {
            if (!isTerminal(pod) || condition) {
              const status: Record<string, unknown> = {};
              if (!isTerminal(pod)) status.phase = 'Failed';
              if (condition) status.conditions = [{ type: 'DisruptionTarget', status: 'True', ...condition, lastTransitionTime: rfc3339(ctx.clock.now()) }];
              await ctx.client.patch(R.pods, ns, podName, { metadata: { uid }, status }, 'strategic', { subresource: 'status' });
            }
            await ctx.client.delete(R.pods, ns, podName, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
          } catch (e) {
            if (isStatusError(e) && (e.code === 404 || e.code === 409)) return; // gone or replaced meanwhile
            log.warn({ err: e, pod: objectKey(pod) }, 'force delete failed');
          }
        };

        /** A node missing from the cache for the quarantine time, and confirmed gone by the API. */
        const nodeGone = async (nodeName: string, now: number): Promise<boolean> => {
          const since = missingSince.get(nodeName);
          if (since === undefined) { missingSince.set(nodeName, now); return false; }
          if (now - since < quarantine) return false;
          try {
            await ctx.client.get(R.nodes, '', nodeName);
            missingSince.delete(nodeName);
            return false;
          } catch (e) {
            if (isStatusError(e) && e.code === 404) return true;
            throw e;
          }
        };

        const gcTerminated = async (all: readonly Readonly<Pod>[]) => {
          const terminated = all.filter((p) => isTerminal(p) && !p.metadata?.deletionTimestamp);
          const excess = terminated.length - threshold;
          if (excess <= 0) return;
          const oldest = [...terminated].sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
          for (const p of oldest.slice(0, excess)) {
            if (signal.aborted) return;
            await forceDelete(p, 'terminated pods above the threshold');
          }
        };

        const gc = async () => {
          const now = ctx.clock.now();
          const all = pods.lister.list();
          const missingNow = new Set<string>();
          for (const pod of all) {
            if (signal.aborted) return;
            const nodeName = pod.spec?.nodeName;
            const terminating = !!pod.metadata?.deletionTimestamp;
            if (!nodeName) {
              if (terminating) await forceDelete(pod, 'unscheduled and terminating');
              continue;
            }
            const node = nodes.lister.get(nodeName);
            if (!node) {
              missingNow.add(nodeName);
              if (await nodeGone(nodeName, now)) {
                await forceDelete(pod, 'node no longer exists', { reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
              }
              continue;
            }
            if (terminating && readyStatus(node) !== 'True' && (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE)) {
              await forceDelete(pod, 'terminating on an out-of-service node');
            }
          }
          for (const n of missingSince.keys()) if (!missingNow.has(n)) missingSince.delete(n);
          await gcTerminated(all);
        };

        await waitForSync(signal, pods, nodes);
        while (!signal.aborted) {
          try { await gc(); } catch (e) { if (!signal.aborted) log.warn({ err: e }, 'pod GC pass failed'); }
          await ctx.clock.sleep(period, signal).catch(() => undefined);
        }
      },
    };
  };
}

/** Pod GC with kube's defaults (periods follow the node monitor settings when those are set). */
export const podGcController: ControllerFactory = podGcControllerWith();
