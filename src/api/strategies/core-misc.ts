// Smaller core/v1 kinds: Namespace, Node, Event, Endpoints, ServiceAccount, ResourceQuota,
// LimitRange, PodTemplate (pkg/apis/core/v1/defaults.go, pkg/apis/core/validation,
// pkg/registry/core/*/strategy.go). Light but real validation.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import {
  arr, checkFormat, child, defineStrategy, immutable, inRange, isQualifiedName, isValidLabelValue, items, keepStatus,
  nameIsDNSLabel, oneOf, rec, resetStatus, setDefault, str,
} from './common.js';
import { defaultTemplate } from './pod-defaults.js';
import { validatePodTemplateSpec } from './pod-validation.js';
import { quantityValue, resourceListErrors } from './resources.js';

// ---- Namespace ----

export const namespaceStrategy: KindStrategy = defineStrategy({
  nameValidator: nameIsDNSLabel,
  // SetDefaults_Namespace: the immutable kubernetes.io/metadata.name label mirrors the name.
  default: (ns) => {
    const name = str(rec(ns.metadata)?.name);
    if (name) child(child(ns, 'metadata'), 'labels')['kubernetes.io/metadata.name'] = name;
  },
  validate: (ns) => arr(rec(ns.spec)?.finalizers).flatMap((f, i) => checkFormat(f, `spec.finalizers[${i}]`, isQualifiedName)),
  prepareForCreate: (ns) => {
    const spec = child(ns, 'spec');
    const finalizers = arr(spec.finalizers).filter((f): f is string => typeof f === 'string');
    if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
    spec.finalizers = finalizers;
    ns.status = { phase: 'Active' };
  },
  // spec.finalizers change only through the finalize subresource.
  prepareForUpdate: (ns, old) => {
    keepStatus(ns, old);
    const oldFinalizers = rec(old.spec)?.finalizers;
    const spec = child(ns, 'spec');
    if (oldFinalizers === undefined) delete spec.finalizers;
    else spec.finalizers = structuredClone(oldFinalizers);
  },
});

// ---- Node ----

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateNode(node: KubeObject): FieldError[] {
  const spec = rec(node.spec) ?? {};
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const [t, i] of items(spec.taints)) {
    const p = `spec.taints[${i}]`;
    errs.push(...checkFormat(t.key, `${p}.key`, isQualifiedName));
    if (t.value !== undefined && t.value !== '') errs.push(...checkFormat(t.value, `${p}.value`, isValidLabelValue));
    errs.push(...oneOf(t.effect, `${p}.effect`, TAINT_EFFECTS));
    const key = `${String(t.key)}:${String(t.effect)}`;
    if (seen.has(key)) errs.push(field.duplicate(p, t));
    seen.add(key);
  }
  return errs;
}

function validateNodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const spec = rec(node.spec) ?? {};
  const oldSpec = rec(old.spec) ?? {};
  const errs: FieldError[] = [];
  if (oldSpec.providerID && spec.providerID !== oldSpec.providerID) {
    errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if (arr(oldSpec.podCIDRs).length > 0) errs.push(...immutable(spec.podCIDRs, oldSpec.podCIDRs, 'spec.podCIDRs'));
  return errs;
}

export const nodeStrategy: KindStrategy = defineStrategy({
  // SetDefaults_NodeStatus: allocatable defaults to capacity.
  default: (node) => {
    const status = rec(node.status);
    if (status && rec(status.capacity) && status.allocatable === undefined) status.allocatable = structuredClone(status.capacity);
  },
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  // Kubelets register with their status, so create keeps it; updates through the main resource do not change it.
  prepareForUpdate: keepStatus,
});

// ---- Event (core/v1) ----

function validateEvent(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const involved = rec(ev.involvedObject);
  if (!involved || Object.keys(involved).length === 0) errs.push(field.required('involvedObject', ''));
  const ns = str(rec(ev.metadata)?.namespace) ?? '';
  const involvedNs = str(involved?.namespace) ?? '';
  // Events about namespaced objects live in the object's namespace (cluster objects: any namespace).
  if (involvedNs && involvedNs !== ns) errs.push(field.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  if (ev.type !== undefined && ev.type !== '') errs.push(...oneOf(ev.type, 'type', ['Normal', 'Warning']));
  if (ev.count !== undefined) errs.push(...inRange(ev.count, 'count', 0, 2147483647));
  return errs;
}

export const eventStrategy: KindStrategy = defineStrategy({ validate: validateEvent });

// ---- Endpoints ----

function validateEndpoints(ep: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const [subset, i] of items(ep.subsets)) {
    const p = `subsets[${i}]`;
    for (const key of ['addresses', 'notReadyAddresses']) {
      for (const [a, j] of items(subset[key])) if (!str(a.ip)) errs.push(field.required(`${p}.${key}[${j}].ip`, ''));
    }
    const ports = items(subset.ports);
    for (const [port, j] of ports) {
      if (ports.length > 1 && !port.name) errs.push(field.required(`${p}.ports[${j}].name`, ''));
      errs.push(...inRange(port.port, `${p}.ports[${j}].port`, 1, 65535));
      errs.push(...oneOf(port.protocol, `${p}.ports[${j}].protocol`, ['SCTP', 'TCP', 'UDP']));
    }
  }
  return errs;
}

export const endpointsStrategy: KindStrategy = defineStrategy({
  default: (ep) => {
    for (const [subset] of items(ep.subsets)) for (const [port] of items(subset.ports)) setDefault(port, 'protocol', 'TCP');
  },
  validate: validateEndpoints,
});

// ---- ServiceAccount ----

export const serviceAccountStrategy: KindStrategy = defineStrategy({
  validate: (sa) => items(sa.secrets).flatMap(([s, i]) => (s.name ? [] : [field.required(`secrets[${i}].name`, '')])),
});

// ---- ResourceQuota ----

const QUOTA_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];

export const resourceQuotaStrategy: KindStrategy = defineStrategy({
  validate: (rq) => {
    const spec = rec(rq.spec) ?? {};
    return [
      ...resourceListErrors(spec.hard, 'spec.hard'),
      ...arr(spec.scopes).flatMap((s, i) => oneOf(s, `spec.scopes[${i}]`, QUOTA_SCOPES)),
    ];
  },
  prepareForCreate: (rq) => resetStatus(rq, {}, false),
  prepareForUpdate: keepStatus,
});

// ---- LimitRange ----

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];

/** SetDefaults_LimitRangeItem: a Container's default limit comes from max, its default request from default, then min. */
function defaultLimitRange(lr: KubeObject): void {
  for (const [item] of items(rec(lr.spec)?.limits)) {
    if (item.type !== 'Container') continue;
    const def = child(item, 'default');
    const defReq = child(item, 'defaultRequest');
    for (const [k, v] of Object.entries(rec(item.max) ?? {})) setDefault(def, k, v);
    for (const [k, v] of Object.entries(def)) setDefault(defReq, k, v);
    for (const [k, v] of Object.entries(rec(item.min) ?? {})) setDefault(defReq, k, v);
  }
}

function validateLimitRange(lr: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const [item, i] of items(rec(lr.spec)?.limits)) {
    const p = `spec.limits[${i}]`;
    errs.push(...oneOf(item.type, `${p}.type`, LIMIT_TYPES));
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) errs.push(...resourceListErrors(item[k], `${p}.${k}`));
    const min = rec(item.min) ?? {};
    for (const [k, maxQ] of Object.entries(rec(item.max) ?? {})) {
      const lo = quantityValue(min[k]);
      const hi = quantityValue(maxQ);
      if (lo !== undefined && hi !== undefined && lo > hi) errs.push(field.invalid(`${p}.min[${k}]`, min[k], `min value ${String(min[k])} is greater than max value ${String(maxQ)}`));
    }
    if (item.type === 'Pod' && (item.default !== undefined || item.defaultRequest !== undefined)) {
      errs.push(field.forbidden(`${p}.default`, 'may not be specified when `type` is \'Pod\''));
    }
  }
  return errs;
}

export const limitRangeStrategy: KindStrategy = defineStrategy({ default: defaultLimitRange, validate: validateLimitRange });

// ---- PodTemplate ----

export const podTemplateStrategy: KindStrategy = defineStrategy({
  default: (pt) => defaultTemplate(child(pt, 'template')),
  validate: (pt) => validatePodTemplateSpec(pt.template, 'template'),
});
