// Informer events → cache and queue (pkg/scheduler/eventhandlers.go). Pods bound to a node go to the
// cache; unbound pods this scheduler is responsible for go to the queue. Events that can make a
// waiting pod schedulable move the unschedulable pods whose rejecting plugins care about them.
import type { InformerHandlers } from '../client/index.js';
import type { KubeObject } from '../machinery/object.js';
import type { Node, Pod } from './api-types.js';
import { isTerminal, type SchedulerCache } from './cache.js';
import { buildPodInfo } from './pod-info.js';
import type { SchedulingQueue } from './queue.js';
import * as interPodAffinity from './plugins/inter-pod-affinity.js';
import * as podTopologySpread from './plugins/pod-topology-spread.js';
import * as nodeResourcesFit from './plugins/node-resources-fit.js';
import * as nodePorts from './plugins/node-ports.js';

/** A pod that got bound or labelled can satisfy affinity or change spreading. */
const ASSIGNED_POD_CHANGED = new Set([interPodAffinity.name, podTopologySpread.name]);
/** A pod that left a node frees resources, anti-affinity and spreading room. */
const ASSIGNED_POD_GONE = new Set([nodeResourcesFit.name, nodePorts.name, interPodAffinity.name, podTopologySpread.name]);
const NAMESPACE_LABELS = new Set([interPodAffinity.name]);

export interface EventHandlerDeps {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  /** Whether this scheduler should schedule the (unbound) pod: its schedulerName, not terminating. */
  responsible(pod: Readonly<Pod>): boolean;
}

const keyOf = (p: Readonly<KubeObject>): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
const uidOf = (p: Readonly<KubeObject>): string => p.metadata?.uid ?? keyOf(p);
const assigned = (p: Readonly<Pod>): boolean => !!p.spec?.nodeName;

function sameLabels(a: Readonly<KubeObject>, b: Readonly<KubeObject>): boolean {
  return JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {});
}

export function podHandlers(d: EventHandlerDeps): InformerHandlers<Pod> {
  const assignedPodGone = (p: Readonly<Pod>): void => {
    if (d.cache.nodeOf(uidOf(p)) === undefined) return;
    d.cache.removePod(uidOf(p));
    d.queue.moveAll(ASSIGNED_POD_GONE);
  };
  return {
    add(p) {
      if (assigned(p)) {
        if (isTerminal(p)) return;
        d.cache.setPod(buildPodInfo(p));
        d.queue.moveAll(ASSIGNED_POD_CHANGED);
      } else if (d.responsible(p)) {
        d.queue.add(p, keyOf(p));
      }
    },
    update(old, p) {
      if (assigned(p)) {
        if (!assigned(old)) d.queue.delete(keyOf(p)); // bound (by us or anyone)
        if (isTerminal(p)) { assignedPodGone(p); return; }
        d.cache.setPod(buildPodInfo(p));
        if (!assigned(old) || !sameLabels(old, p)) d.queue.moveAll(ASSIGNED_POD_CHANGED);
        return;
      }
      if (d.responsible(p)) d.queue.update(p, keyOf(p));
      else d.queue.delete(keyOf(p));
    },
    delete(p) {
      d.queue.delete(keyOf(p));
      assignedPodGone(p);
    },
  };
}

export function nodeHandlers(d: EventHandlerDeps): InformerHandlers<Node> {
  return {
    add(n) {
      d.cache.setNode(n);
      d.queue.moveAll();
    },
    update(_old, n) {
      if (d.cache.setNode(n)) d.queue.moveAll();
    },
    delete(n) {
      d.cache.removeNode(n.metadata?.name ?? '');
    },
  };
}

export function namespaceHandlers(d: EventHandlerDeps): InformerHandlers<KubeObject> {
  const set = (ns: Readonly<KubeObject>, labels: Readonly<Record<string, string>> | undefined) => {
    const name = ns.metadata?.name ?? '';
    const before = d.cache.namespaceLabels(name);
    d.cache.setNamespaceLabels(name, labels);
    if (JSON.stringify(before ?? {}) !== JSON.stringify(labels ?? {})) d.queue.moveAll(NAMESPACE_LABELS);
  };
  return {
    add: (ns) => set(ns, ns.metadata?.labels),
    update: (_old, ns) => set(ns, ns.metadata?.labels),
    delete: (ns) => set(ns, undefined),
  };
}
