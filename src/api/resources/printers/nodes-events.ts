// Tables of Nodes and Events (core/v1 and events.k8s.io/v1, which share storage and one printer).
// Reference: kubernetes pkg/printers/internalversion/printers.go printNode, printEvent.
import type { KubeObject } from '../../../machinery/object.js';
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, arr, bool, column, nameColumn, nameOf, num, obj, str, table, type Obj } from './common.js';
import { since } from './duration.js';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

/** "Ready", "NotReady" or "Unknown", plus ",SchedulingDisabled" for cordoned nodes. */
export function nodeStatus(node: KubeObject): string {
  const ready = arr(obj(node['status'])['conditions']).map((c) => obj(c)).find((c) => c['type'] === 'Ready');
  const status = [ready === undefined ? 'Unknown' : ready['status'] === 'True' ? 'Ready' : 'NotReady'];
  if (bool(obj(node['spec'])['unschedulable'])) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Sorted roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role=<role>` labels. */
export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_ROLE_LABEL && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(status: Obj, type: string): string {
  const a = arr(status['addresses']).map((x) => obj(x)).find((x) => x['type'] === type);
  return a ? str(a['address']) : '<none>';
}

export const nodeTable: TableDef = table([
  nameColumn,
  column('Status', 'The status of the node'),
  column('Roles', 'The roles of the node'),
  ageColumn,
  column('Version', 'Kubelet version reported by the node.'),
  column('Internal-IP', 'The first InternalIP address of the node.', { priority: 1 }),
  column('External-IP', 'The first ExternalIP address of the node.', { priority: 1 }),
  column('OS-Image', 'OS image reported by the node.', { priority: 1 }),
  column('Kernel-Version', 'Kernel version reported by the node.', { priority: 1 }),
  column('Container-Runtime', 'Container runtime version reported by the node.', { priority: 1 }),
], (node, now) => {
  const status = obj(node['status']);
  const info = obj(status['nodeInfo']);
  const orUnknown = (v: unknown) => str(v) || '<unknown>';
  return [
    nameOf(node), nodeStatus(node), nodeRoles(node), ageOf(node, now), str(info['kubeletVersion']),
    nodeAddress(status, 'InternalIP'), nodeAddress(status, 'ExternalIP'),
    orUnknown(info['osImage']), orUnknown(info['kernelVersion']), orUnknown(info['containerRuntimeVersion']),
  ];
});

/**
 * The fields printEvent reads, from either wire form: core/v1 (involvedObject, message, source,
 * firstTimestamp...) or events.k8s.io/v1 (regarding, note, deprecatedSource, deprecatedFirstTimestamp...).
 */
function eventView(e: KubeObject) {
  const regarding = e['regarding'] !== undefined ? obj(e['regarding']) : obj(e['involvedObject']);
  const source = e['deprecatedSource'] !== undefined ? obj(e['deprecatedSource']) : obj(e['source']);
  const pick = (core: string, events: string): unknown => (e[core] !== undefined ? e[core] : e[events]);
  return {
    regarding,
    source,
    message: str(pick('message', 'note')),
    firstTimestamp: pick('firstTimestamp', 'deprecatedFirstTimestamp'),
    lastTimestamp: pick('lastTimestamp', 'deprecatedLastTimestamp'),
    count: num(pick('count', 'deprecatedCount')),
    series: e['series'],
  };
}

export const eventTable: TableDef = table([
  column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'Type of this event (Normal, Warning).'),
  column('Reason', 'Short, machine understandable reason for the transition into the object\'s current status.'),
  column('Object', 'The object this event is about.'),
  column('Subobject', 'The part of the object this event is about, when it is not the whole object.', { priority: 1 }),
  column('Source', 'The component reporting this event.', { priority: 1 }),
  column('Message', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'The time at which the event was first recorded.', { priority: 1 }),
  column('Count', 'The number of times this event has occurred.', { priority: 1 }),
  { ...nameColumn, priority: 1 },
], (e, now) => {
  const v = eventView(e);
  let first = since(v.firstTimestamp, now);
  if (first === '<unknown>') first = since(e['eventTime'], now);
  let last = since(v.lastTimestamp, now);
  if (last === '<unknown>') last = first;
  let count = v.count;
  if (v.series != null) {
    last = since(obj(v.series)['lastObservedTime'], now);
    count = num(obj(v.series)['count']);
  } else if (count === 0) {
    count = 1; // singleton events of the new API carry no count
  }
  const kind = str(v.regarding['kind']).toLowerCase();
  const target = str(v.regarding['name']) ? `${kind}/${str(v.regarding['name'])}` : kind;
  const component = str(v.source['component']) || str(e['reportingController']);
  const host = str(v.source['host']) || str(e['reportingInstance']);
  return [
    last, str(e['type']), str(e['reason']), target, str(v.regarding['fieldPath']),
    host ? `${component}, ${host}` : component, v.message.trim(), first, count, nameOf(e),
  ];
});
