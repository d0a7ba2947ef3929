// What the node lifecycle controller decides about one node, as pure functions
// (pkg/controller/nodelifecycle/node_lifecycle_controller.go tryUpdateNodeHealth,
// doNoScheduleTaintingPass, doNoExecuteTaintingPass), plus the tracker of when each node was
// last heard from. Heartbeats are judged by when *this controller* saw the Lease or the Ready
// heartbeat change, never by comparing the node's clock with ours.
import { rfc3339 } from '../../machinery/object.js';
import {
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, type Condition, type Lease, type Node, type Taint,
} from './types.js';

/** The conditions a silent node's kubelet owns, set to Unknown (NetworkUnavailable is not the kubelet's). */
export const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export function conditionOf(node: Readonly<Node>, type: string): Readonly<Condition> | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

export function readyStatus(node: Readonly<Node>): 'True' | 'False' | 'Unknown' {
  const s = conditionOf(node, 'Ready')?.status;
  return s === 'True' || s === 'False' ? s : 'Unknown';
}

interface Observed { probeAt: number; heartbeat: string; renewTime: string }

/** When each node was last heard from (a new Lease renewTime or Ready heartbeat), on our clock. */
export class HeartbeatTracker {
  readonly #seen = new Map<string, Observed>();

  /** Records what the node and its Lease show now; returns when the node was last heard from. */
  observe(node: Readonly<Node>, lease: Readonly<Lease> | undefined, now: number): number {
    const name = node.metadata?.name ?? '';
    const heartbeat = conditionOf(node, 'Ready')?.lastHeartbeatTime ?? '';
    const renewTime = lease?.spec?.renewTime ?? '';
    const prior = this.#seen.get(name);
    // First sight (also after a controller restart) counts as a heartbeat: a full grace period follows.
    if (!prior || prior.heartbeat !== heartbeat || (renewTime && prior.renewTime !== renewTime)) {
      this.#seen.set(name, { probeAt: now, heartbeat, renewTime });
      return now;
    }
    return prior.probeAt;
  }

  forget(name: string): void { this.#seen.delete(name); }
}

/**
 * The node's conditions after its kubelet went silent: every kubelet condition Unknown
 * (NodeStatusUnknown, or NodeStatusNeverUpdated when the kubelet never posted one).
 * Undefined when they already are.
 */
export function silentNodeConditions(node: Readonly<Node>, now: number): Condition[] | undefined {
  const at = rfc3339(now);
  const current = node.status?.conditions ?? [];
  const next: Condition[] = current.map((c) => ({ ...c }));
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const c = next.find((x) => x.type === type);
    if (!c) {
      next.push({
        type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp ?? at, lastTransitionTime: at,
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = at;
      changed = true;
    }
  }
  return changed ? next : undefined;
}

const NO_EXECUTE_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);
const NO_SCHEDULE_KEYS = new Set([
  TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE,
  TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE,
]);

const isManaged = (t: Readonly<Taint>): boolean =>
  (t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key)) || (t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.has(t.key));

/** The taints kube keeps on a node in this state: [key, effect] pairs. */
export function wantedTaints(node: Readonly<Node>): Array<{ key: string; effect: 'NoSchedule' | 'NoExecute' }> {
  const out: Array<{ key: string; effect: 'NoSchedule' | 'NoExecute' }> = [];
  const ready = readyStatus(node);
  if (ready === 'False') out.push({ key: TAINT_NOT_READY, effect: 'NoExecute' }, { key: TAINT_NOT_READY, effect: 'NoSchedule' });
  if (ready === 'Unknown') out.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' });
  const pressure: Array<[string, string]> = [
    ['MemoryPressure', TAINT_MEMORY_PRESSURE], ['DiskPressure', TAINT_DISK_PRESSURE],
    ['PIDPressure', TAINT_PID_PRESSURE], ['NetworkUnavailable', TAINT_NETWORK_UNAVAILABLE],
  ];
  for (const [type, key] of pressure) if (conditionOf(node, type)?.status === 'True') out.push({ key, effect: 'NoSchedule' });
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return out;
}

/**
 * The node's taints with the managed ones made to match its state (others kept as they are), or
 * undefined when nothing changes. NoExecute taints carry timeAdded, as kube sets it.
 */
export function reconcileTaints(node: Readonly<Node>, now: number): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted = wantedTaints(node);
  const has = (key: string, effect: string) => current.some((t) => t.key === key && t.effect === effect);
  const want = (t: Readonly<Taint>) => wanted.some((w) => w.key === t.key && w.effect === t.effect);
  const kept = current.filter((t) => !isManaged(t) || want(t));
  const added: Taint[] = wanted.filter((w) => !has(w.key, w.effect))
    .map((w) => (w.effect === 'NoExecute' ? { ...w, timeAdded: rfc3339(now) } : { ...w }));
  if (kept.length === current.length && added.length === 0) return undefined;
  return [...kept.map((t) => ({ ...t })), ...added];
}
