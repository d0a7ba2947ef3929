// apps/v1 workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision, and the
// core ReplicationController that shares their shape (pkg/apis/apps/v1/defaults.go,
// pkg/apis/apps/validation/validation.go, pkg/registry/apps/*/strategy.go).
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import {
  bumpGeneration, child, deepEqual, defineStrategy, immutable, intOrPercentErrors, intOrPercentIsZero, items,
  annotationsErrors, keepStatus, labelsErrors, nonNegative, oneOf, rec, resetStatus, selectorErrors, selectorIsEmpty, selectorMatches, setDefault, strMap,
} from './common.js';
import { defaultTemplate } from './pod-defaults.js';
import { validatePodTemplateSpec } from './pod-validation.js';

export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

/**
 * Selector present, not empty, matching the template's labels; template valid with restartPolicy
 * Always (ValidatePodTemplateSpecForReplicaSet and the spec checks each workload repeats).
 */
export function selectorAndTemplateErrors(spec: Obj, kindWord: string, path = 'spec', checkPodSpec = true): FieldError[] {
  const errs: FieldError[] = [];
  const selector = rec(spec.selector);
  if (!selector) errs.push(field.required(`${path}.selector`, ''));
  else {
    errs.push(...selectorErrors(selector, `${path}.selector`));
    if (selectorIsEmpty(selector)) errs.push(field.invalid(`${path}.selector`, selector, `empty selector is invalid for ${kindWord}`));
  }
  const template = rec(spec.template);
  if (!template) return [...errs, field.required(`${path}.template`, '')];
  const labels = strMap(rec(template.metadata)?.labels);
  if (selector && !selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    errs.push(field.invalid(`${path}.template.metadata.labels`, labels, SELECTOR_MISMATCH));
  }
  if (checkPodSpec) errs.push(...validatePodTemplateSpec(template, `${path}.template`));
  else {
    // ValidatePodTemplateSpecForStatefulSet: labels and annotations only; the pod spec is checked when
    // pods are created (its volumeMounts may name volumeClaimTemplates, which are not pod volumes).
    const meta = rec(template.metadata) ?? {};
    errs.push(...labelsErrors(meta.labels, `${path}.template.metadata.labels`), ...annotationsErrors(meta.annotations, `${path}.template.metadata.annotations`));
  }
  const podSpec = rec(template.spec) ?? {};
  if (podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(`${path}.template.spec.restartPolicy`, podSpec.restartPolicy, ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(`${path}.template.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kindWord} is not Supported`));
  }
  return errs;
}

/** The strategy pieces every workload shares: template defaults, status reset, generation bumps. */
function workload(opts: {
  default(spec: Obj, obj: KubeObject): void;
  validate(spec: Obj, obj: KubeObject): FieldError[];
  validateUpdate?(spec: Obj, oldSpec: Obj): FieldError[];
  generationFields?: readonly string[];
}): KindStrategy {
  return defineStrategy({
    default: (obj) => {
      const spec = child(obj, 'spec');
      opts.default(spec, obj);
      if (rec(spec.template)) defaultTemplate(child(spec, 'template'));
    },
    validate: (obj) => (rec(obj.spec) ? opts.validate(child(obj, 'spec'), obj) : [field.required('spec', '')]),
    validateUpdate: (obj, old) => opts.validateUpdate?.(rec(obj.spec) ?? {}, rec(old.spec) ?? {}) ?? [],
    prepareForCreate: (obj) => resetStatus(obj),
    prepareForUpdate: (obj, old) => {
      keepStatus(obj, old);
      bumpGeneration(obj, old, opts.generationFields);
    },
  });
}

const selectorImmutable = (spec: Obj, oldSpec: Obj): FieldError[] => immutable(spec.selector, oldSpec.selector, 'spec.selector');

// ---- Deployment ----

function validateDeploymentSpec(spec: Obj): FieldError[] {
  const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...selectorAndTemplateErrors(spec, 'deployment')];
  const strategy = rec(spec.strategy) ?? {};
  errs.push(...oneOf(strategy.type, 'spec.strategy.type', ['Recreate', 'RollingUpdate']));
  const rolling = rec(strategy.rollingUpdate);
  if (strategy.type === 'Recreate' && rolling) {
    errs.push(field.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (strategy.type === 'RollingUpdate' && rolling) {
    const p = 'spec.strategy.rollingUpdate';
    errs.push(...intOrPercentErrors(rolling.maxUnavailable, `${p}.maxUnavailable`, true));
    errs.push(...intOrPercentErrors(rolling.maxSurge, `${p}.maxSurge`));
    if (intOrPercentIsZero(rolling.maxUnavailable) && intOrPercentIsZero(rolling.maxSurge)) {
      errs.push(field.invalid(`${p}.maxUnavailable`, rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const deadline = spec.progressDeadlineSeconds;
  if (deadline !== undefined && deadline !== null) {
    errs.push(...nonNegative(deadline, 'spec.progressDeadlineSeconds'));
    const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
    if (typeof deadline === 'number' && deadline <= minReady) {
      errs.push(field.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

export const deploymentStrategy: KindStrategy = workload({
  default: (spec) => {
    setDefault(spec, 'replicas', 1);
    const strategy = child(spec, 'strategy');
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rolling = child(strategy, 'rollingUpdate');
      setDefault(rolling, 'maxUnavailable', '25%');
      setDefault(rolling, 'maxSurge', '25%');
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
    setDefault(spec, 'progressDeadlineSeconds', 600);
  },
  validate: validateDeploymentSpec,
  validateUpdate: selectorImmutable,
  // Annotations are copied to ReplicaSets, so they bump the generation too (deployment strategy.go).
  generationFields: ['spec', 'metadata.annotations'],
});

// ---- ReplicaSet ----

export const replicaSetStrategy: KindStrategy = workload({
  default: (spec) => setDefault(spec, 'replicas', 1),
  validate: (spec) => [
    ...nonNegative(spec.replicas, 'spec.replicas'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...selectorAndTemplateErrors(spec, 'deployment'), // kube's ReplicaSet message says "deployment" too
  ],
  validateUpdate: selectorImmutable,
});

// ---- StatefulSet ----

const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function defaultStatefulSet(spec: Obj): void {
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const update = child(spec, 'updateStrategy');
  setDefault(update, 'type', 'RollingUpdate');
  if (update.type === 'RollingUpdate') setDefault(child(update, 'rollingUpdate'), 'partition', 0);
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  for (const [claim] of items(spec.volumeClaimTemplates)) {
    setDefault(claim, 'apiVersion', 'v1');
    setDefault(claim, 'kind', 'PersistentVolumeClaim');
    setDefault(child(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(child(claim, 'status'), 'phase', 'Pending');
  }
}

function validateStatefulSetSpec(spec: Obj): FieldError[] {
  const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...selectorAndTemplateErrors(spec, 'statefulset', 'spec', false)];
  errs.push(...oneOf(spec.podManagementPolicy, 'spec.podManagementPolicy', ['OrderedReady', 'Parallel']));
  const update = rec(spec.updateStrategy) ?? {};
  errs.push(...oneOf(update.type, 'spec.updateStrategy.type', ['RollingUpdate', 'OnDelete']));
  const rolling = rec(update.rollingUpdate);
  if (update.type === 'OnDelete' && rolling) {
    errs.push(field.invalid('spec.updateStrategy.rollingUpdate', rolling, "only allowed for updateStrategy 'RollingUpdate'"));
  }
  if (rolling) {
    errs.push(...nonNegative(rolling.partition, 'spec.updateStrategy.rollingUpdate.partition'));
    errs.push(...intOrPercentErrors(rolling.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', true));
    if (intOrPercentIsZero(rolling.maxUnavailable)) {
      errs.push(field.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', rolling.maxUnavailable, 'must be greater than 0'));
    }
  }
  const retention = rec(spec.persistentVolumeClaimRetentionPolicy) ?? {};
  errs.push(...oneOf(retention.whenDeleted, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', ['Retain', 'Delete']));
  errs.push(...oneOf(retention.whenScaled, 'spec.persistentVolumeClaimRetentionPolicy.whenScaled', ['Retain', 'Delete']));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  errs.push(...nonNegative(rec(spec.ordinals)?.start, 'spec.ordinals.start'));
  for (const [claim, i] of items(spec.volumeClaimTemplates)) {
    if (!rec(claim.metadata)?.name) errs.push(field.required(`spec.volumeClaimTemplates[${i}].metadata.name`, ''));
  }
  return errs;
}

function validateStatefulSetUpdate(spec: Obj, oldSpec: Obj): FieldError[] {
  const strip = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([k, v]) => !STATEFULSET_MUTABLE.includes(k) && v !== undefined));
  if (deepEqual(strip(spec), strip(oldSpec))) return [];
  return [field.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

export const statefulSetStrategy: KindStrategy = workload({
  default: defaultStatefulSet,
  validate: validateStatefulSetSpec,
  validateUpdate: validateStatefulSetUpdate,
});

// ---- DaemonSet ----

function validateDaemonSetSpec(spec: Obj): FieldError[] {
  const errs = selectorAndTemplateErrors(spec, 'daemonset');
  const update = rec(spec.updateStrategy) ?? {};
  errs.push(...oneOf(update.type, 'spec.updateStrategy.type', ['RollingUpdate', 'OnDelete']));
  const rolling = rec(update.rollingUpdate);
  if (update.type === 'RollingUpdate' && rolling) {
    const p = 'spec.updateStrategy.rollingUpdate';
    errs.push(...intOrPercentErrors(rolling.maxUnavailable, `${p}.maxUnavailable`, true));
    errs.push(...intOrPercentErrors(rolling.maxSurge, `${p}.maxSurge`, true));
    if (intOrPercentIsZero(rolling.maxUnavailable) && intOrPercentIsZero(rolling.maxSurge)) {
      errs.push(field.invalid(`${p}.maxUnavailable`, rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export const daemonSetStrategy: KindStrategy = workload({
  default: (spec) => {
    const update = child(spec, 'updateStrategy');
    setDefault(update, 'type', 'RollingUpdate');
    if (update.type === 'RollingUpdate') {
      const rolling = child(update, 'rollingUpdate');
      setDefault(rolling, 'maxUnavailable', 1);
      setDefault(rolling, 'maxSurge', 0);
    }
    setDefault(spec, 'revisionHistoryLimit', 10);
  },
  validate: validateDaemonSetSpec,
  validateUpdate: selectorImmutable,
});

// ---- ControllerRevision ----

export const controllerRevisionStrategy: KindStrategy = defineStrategy({
  validate: (cr) => [
    ...(cr.data === undefined || cr.data === null ? [field.required('data', '')] : []),
    ...nonNegative(cr.revision, 'revision'),
  ],
  validateUpdate: (cr, old) => immutable(cr.data, old.data, 'data'),
});

// ---- ReplicationController (core/v1) ----

/** SetDefaults_ReplicationController: selector and labels come from the template when empty. */
function defaultReplicationController(spec: Obj, rc: KubeObject): void {
  const templateLabels = rec(rec(rec(spec.template)?.metadata)?.labels);
  if (templateLabels) {
    if (Object.keys(rec(spec.selector) ?? {}).length === 0) spec.selector = { ...templateLabels };
    const meta = child(rc, 'metadata');
    if (Object.keys(rec(meta.labels) ?? {}).length === 0) meta.labels = { ...templateLabels };
  }
  setDefault(spec, 'replicas', 1);
}

function validateReplicationControllerSpec(spec: Obj): FieldError[] {
  const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  const selector = strMap(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(field.required('spec.selector', ''));
  else errs.push(...labelsErrors(spec.selector, 'spec.selector'));
  const template = rec(spec.template);
  if (!template) return [...errs, field.required('spec.template', '')];
  const labels = strMap(rec(template.metadata)?.labels);
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    errs.push(field.invalid('spec.template.metadata.labels', labels, SELECTOR_MISMATCH));
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const restartPolicy = rec(template.spec)?.restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== 'Always') {
    errs.push(field.notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  }
  return errs;
}

export const replicationControllerStrategy: KindStrategy = workload({
  default: defaultReplicationController,
  validate: validateReplicationControllerSpec,
});
