// Tables of apps/v1 kinds. Reference: kubernetes pkg/printers/internalversion/printers.go
// (printDeployment, printReplicaSet, printStatefulSet, printDaemonSet, printControllerRevision).
import type { TableDef } from '../../types.js';
import {
  ageColumn, ageOf, column, containerCells, containersColumn, controllerName, formatLabelSelector, formatLabels,
  imagesColumn, labelSelectorString, nameColumn, nameOf, num, obj, table,
} from './common.js';

const selectorColumn = (description: string) => column('Selector', description, { priority: 1 });

export const deploymentTable: TableDef = table([
  nameColumn,
  column('Ready', 'Number of the pod with ready state'),
  column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
  column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
], (o, now) => {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const [names, images] = containerCells(obj(spec, 'template', 'spec'));
  // printDeployment prints the bare selector string: "" when absent, "<invalid>" when malformed.
  const selector = labelSelectorString(spec['selector']) ?? '<invalid>';
  return [
    nameOf(o), `${num(status['readyReplicas'])}/${num(spec['replicas'])}`, num(status['updatedReplicas']),
    num(status['availableReplicas']), ageOf(o, now), names, images, selector,
  ];
});

/**
 * DESIRED CURRENT READY AGE, wide CONTAINERS IMAGES SELECTOR: ReplicaSets and ReplicationControllers
 * print alike, apart from how their selector is written (a LabelSelector or a label map).
 */
export function replicaCountTable(formatSelector: (selector: unknown) => string): TableDef {
  return table([
    nameColumn,
    column('Desired', 'Number of desired pods.', { type: 'integer' }),
    column('Current', 'Number of pods most recently observed.', { type: 'integer' }),
    column('Ready', 'Number of ready pods.', { type: 'integer' }),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label query over the pods the controller manages.'),
  ], (o, now) => {
    const spec = obj(o['spec']);
    const status = obj(o['status']);
    const [names, images] = containerCells(obj(spec, 'template', 'spec'));
    return [
      nameOf(o), num(spec['replicas']), num(status['replicas']), num(status['readyReplicas']), ageOf(o, now),
      names, images, formatSelector(spec['selector']),
    ];
  });
}

export const replicaSetTable: TableDef = replicaCountTable(formatLabelSelector);

export const statefulSetTable: TableDef = table([
  nameColumn,
  column('Ready', 'Number of the pod with ready state'),
  ageColumn,
  containersColumn,
  imagesColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  const [names, images] = containerCells(obj(spec, 'template', 'spec'));
  return [nameOf(o), `${num(obj(o['status'])['readyReplicas'])}/${num(spec['replicas'])}`, ageOf(o, now), names, images];
});

export const daemonSetTable: TableDef = table([
  nameColumn,
  column('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
  column('Current', 'The number of nodes running at least one daemon pod and that are supposed to.', { type: 'integer' }),
  column('Ready', 'The number of nodes that should be running the daemon pod and have one or more ready.', { type: 'integer' }),
  column('Up-to-date', 'The total number of nodes running updated daemon pods.', { type: 'integer' }),
  column('Available', 'The number of nodes that should be running the daemon pod and have one or more available.', { type: 'integer' }),
  column('Node Selector', 'The node selector of the pod template.'),
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn('Label query over pods that are managed by the daemon set.'),
], (o, now) => {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const podSpec = obj(spec, 'template', 'spec');
  const [names, images] = containerCells(podSpec);
  return [
    nameOf(o), num(status['desiredNumberScheduled']), num(status['currentNumberScheduled']), num(status['numberReady']),
    num(status['updatedNumberScheduled']), num(status['numberAvailable']), formatLabels(podSpec['nodeSelector']),
    ageOf(o, now), names, images, formatLabelSelector(spec['selector']),
  ];
});

export const controllerRevisionTable: TableDef = table([
  nameColumn,
  column('Controller', 'Controller of the object'),
  column('Revision', 'Revision of the state data.'),
  ageColumn,
], (o, now) => [nameOf(o), controllerName(o), num(o['revision']), ageOf(o, now)]);
