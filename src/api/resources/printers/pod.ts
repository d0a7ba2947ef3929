// The Pod table: READY, STATUS and RESTARTS computed exactly as kube's printPod does, because
// users (and scripts) read "CrashLoopBackOff", "Init:1/2", "Terminating" or "3 (2m ago)" there.
// Reference: kubernetes pkg/printers/internalversion/printers.go printPod.
import type { KubeObject } from '../../../machinery/object.js';
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, arr, bool, column, containerCells, formatLabels, nameColumn, nameOf, num, obj, str, table, type Obj } from './common.js';
import { humanDuration, parseTime } from './duration.js';

/** kubelet's reason for pods on a node that stopped reporting (pkg/util/node NodeUnreachablePodReason). */
const NODE_UNREACHABLE_REASON = 'NodeLost';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

function hasCondition(status: Obj, type: string): boolean {
  return arr(status['conditions']).some((c) => obj(c)['type'] === type && obj(c)['status'] === 'True');
}

/** Init containers with restartPolicy Always are sidecars: they count as regular containers. */
function isRestartable(container: Obj | undefined): boolean {
  return container !== undefined && container['restartPolicy'] === 'Always';
}

function lastTerminationTime(cs: Obj): number | undefined {
  const t = obj(cs, 'lastState', 'terminated');
  return parseTime(t['finishedAt']);
}

/** Compute READY, STATUS and RESTARTS of a pod at `now`. */
export function summarizePod(pod: KubeObject, now: number): PodSummary {
  const spec = obj(pod['spec']);
  const status = obj(pod['status']);
  const initSpecs = arr(spec['initContainers']).map((c) => obj(c));
  const initByName = new Map(initSpecs.map((c) => [str(c['name']), c]));

  let restarts = 0;
  let sidecarRestarts = 0;
  const total = arr(spec['containers']).length + initSpecs.filter(isRestartable).length;
  let ready = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;

  const phase = str(status['phase']);
  let reason = str(status['reason']) || phase;
  for (const c of arr(status['conditions'])) {
    if (obj(c)['type'] === 'PodScheduled' && obj(c)['reason'] === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses = arr(status['initContainerStatuses']).map((c) => obj(c));
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i] ?? {};
    const count = num(cs['restartCount']);
    const finished = lastTerminationTime(cs);
    restarts += count;
    if (finished !== undefined && finished > lastRestart) lastRestart = finished;
    const sidecar = isRestartable(initByName.get(str(cs['name'])));
    if (sidecar) {
      sidecarRestarts += count;
      if (finished !== undefined && finished > lastSidecarRestart) lastSidecarRestart = finished;
    }
    const state = obj(cs['state']);
    const terminated = obj(state['terminated']);
    const waiting = obj(state['waiting']);
    const isTerminated = state['terminated'] != null;
    if (isTerminated && num(terminated['exitCode']) === 0) continue;
    if (sidecar && bool(cs['started'])) {
      if (bool(cs['ready'])) ready++;
      continue;
    }
    if (isTerminated) {
      // Initialization failed.
      const r = str(terminated['reason']);
      if (r) reason = `Init:${r}`;
      else if (num(terminated['signal']) !== 0) reason = `Init:Signal:${num(terminated['signal'])}`;
      else reason = `Init:ExitCode:${num(terminated['exitCode'])}`;
    } else if (str(waiting['reason']) && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${str(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status['containerStatuses']).map((c) => obj(c));
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] ?? {};
      restarts += num(cs['restartCount']);
      const finished = lastTerminationTime(cs);
      if (finished !== undefined && finished > lastRestart) lastRestart = finished;
      const state = obj(cs['state']);
      const waiting = obj(state['waiting']);
      const terminated = obj(state['terminated']);
      if (str(waiting['reason'])) reason = str(waiting['reason']);
      else if (state['terminated'] != null && str(terminated['reason'])) reason = str(terminated['reason']);
      else if (state['terminated'] != null) {
        reason = num(terminated['signal']) !== 0 ? `Signal:${num(terminated['signal'])}` : `ExitCode:${num(terminated['exitCode'])}`;
      } else if (bool(cs['ready']) && state['running'] != null) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose last container completed but another still runs is shown as running.
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }

  const deleting = pod.metadata?.deletionTimestamp != null;
  if (deleting && status['reason'] === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== 0) restartsText = `${restarts} (${humanDuration(now - lastRestart)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function podIP(status: Obj): string {
  const first = obj(arr(status['podIPs'])[0]);
  return str(first['ip']) || str(status['podIP']) || '<none>';
}

function readinessGates(spec: Obj, status: Obj): string {
  const gates = arr(spec['readinessGates']).map((g) => str(obj(g)['conditionType']));
  if (gates.length === 0) return '<none>';
  const conditions = arr(status['conditions']).map((c) => obj(c));
  let trueCount = 0;
  for (const gate of gates) {
    const cond = conditions.find((c) => c['type'] === gate);
    if (cond?.['status'] === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podTable: TableDef = table([
  nameColumn,
  column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  column('IP', 'IP address allocated to the pod.', { priority: 1 }),
  column('Node', 'The node the pod is bound to.', { priority: 1 }),
  column('Nominated Node', 'The node preemption nominated for this pod.', { priority: 1 }),
  column('Readiness Gates', 'Readiness gates that are true, of those the pod declares.', { priority: 1 }),
], (pod, now) => {
  const spec = obj(pod['spec']);
  const status = obj(pod['status']);
  const s = summarizePod(pod, now);
  return [
    nameOf(pod), s.ready, s.status, s.restarts, ageOf(pod, now),
    podIP(status), str(spec['nodeName']) || '<none>', str(status['nominatedNodeName']) || '<none>', readinessGates(spec, status),
  ];
});

export const podTemplateTable: TableDef = table([
  nameColumn,
  column('Containers', 'Names of each container in the template.'),
  column('Images', 'Images referenced by each container in the template.'),
  column('Pod Labels', 'The labels for the pod template.'),
], (o) => {
  const [names, images] = containerCells(obj(o, 'template', 'spec'));
  return [nameOf(o), names, images, formatLabels(obj(o, 'template', 'metadata', 'labels'))];
});
