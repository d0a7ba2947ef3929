// Field selectors each kind supports beyond metadata.name and metadata.namespace (which the
// caller handles for every kind). Values are the strings kube compares against:
// pkg/registry/*/strategy.go ToSelectableFields and the AddFieldLabelConversionFunc lists in
// pkg/apis/core/v1/conversion.go, apps/v1, batch/v1 and events/v1 conversion.go.
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject } from '../../machinery/object.js';
import type { FieldGetter, ResourceDef } from '../types.js';
import { compileJsonPath, jsonPathText } from './jsonpath.js';

export type FieldGetters = Readonly<Record<string, FieldGetter>>;

function at(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) cur = isPlainObject(cur) ? cur[p] : undefined;
  return cur;
}

const text = (...path: string[]): FieldGetter => (o) => {
  const v = at(o, ...path);
  return typeof v === 'string' ? v : '';
};

/** An int32 printed as strconv.Itoa does; 0 when absent (Go zero value). */
const int = (...path: string[]): FieldGetter => (o) => {
  const v = at(o, ...path);
  return String(typeof v === 'number' ? Math.trunc(v) : 0);
};

const boolean = (...path: string[]): FieldGetter => (o) => String(at(o, ...path) === true);

const podFields: FieldGetters = {
  'spec.nodeName': text('spec', 'nodeName'),
  // Old v1 clients send spec.host; kube converts the label to spec.nodeName.
  'spec.host': text('spec', 'nodeName'),
  'spec.restartPolicy': text('spec', 'restartPolicy'),
  'spec.schedulerName': text('spec', 'schedulerName'),
  'spec.serviceAccountName': text('spec', 'serviceAccountName'),
  'spec.hostNetwork': boolean('spec', 'hostNetwork'),
  'status.phase': text('status', 'phase'),
  // The primary IP: status.podIPs[0], which kube keeps equal to status.podIP.
  'status.podIP': (o) => {
    const first = at(o, 'status', 'podIPs');
    const ip = Array.isArray(first) ? at(first[0], 'ip') : undefined;
    return typeof ip === 'string' ? ip : text('status', 'podIP')(o);
  },
  // Accepted by the label conversion but absent from the pod's field set: its value is always "".
  'status.podIPs': () => '',
  'status.nominatedNodeName': text('status', 'nominatedNodeName'),
};

/** Either Event wire form: core/v1 (involvedObject, source) or events.k8s.io/v1 (regarding, deprecatedSource). */
function eventRef(o: KubeObject, key: string): string {
  const ref = isPlainObject(o['involvedObject']) ? o['involvedObject'] : o['regarding'];
  const v = at(ref, key);
  return typeof v === 'string' ? v : '';
}

function eventSource(o: KubeObject): string {
  const source = isPlainObject(o['source']) ? o['source'] : o['deprecatedSource'];
  const component = at(source, 'component');
  if (typeof component === 'string' && component !== '') return component;
  return text('reportingController')(o) ?? '';
}

const REF_KEYS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

function eventFields(refPrefix: 'involvedObject' | 'regarding', reportingLabel: string): FieldGetters {
  const out: Record<string, FieldGetter> = {
    reason: text('reason'),
    [reportingLabel]: text('reportingController'),
    source: eventSource,
    type: text('type'),
  };
  for (const k of REF_KEYS) out[`${refPrefix}.${k}`] = (o) => eventRef(o, k);
  return out;
}

/** Keyed by `${group}/${kind}`. */
export const kindFieldSelectors: Readonly<Record<string, FieldGetters>> = {
  '/Pod': podFields,
  '/Event': eventFields('involvedObject', 'reportingComponent'),
  'events.k8s.io/Event': eventFields('regarding', 'reportingController'),
  '/Node': { 'spec.unschedulable': boolean('spec', 'unschedulable') },
  '/Namespace': { 'status.phase': text('status', 'phase') },
  '/Secret': { type: text('type') },
  '/Service': { 'spec.clusterIP': text('spec', 'clusterIP'), 'spec.type': text('spec', 'type') },
  '/ReplicationController': { 'status.replicas': int('status', 'replicas') },
  'apps/ReplicaSet': { 'status.replicas': int('status', 'replicas') },
  'batch/Job': { 'status.successful': int('status', 'succeeded') },
  'certificates.k8s.io/CertificateSigningRequest': { 'spec.signerName': text('spec', 'signerName') },
};

const NONE: FieldGetters = Object.freeze({});

/**
 * The kind-specific selectable fields of a resource (every version of a kind shares them).
 * metadata.name and metadata.namespace are not included: every kind supports them.
 */
export function fieldGettersFor(def: Pick<ResourceDef, 'group' | 'kind'>): FieldGetters {
  return kindFieldSelectors[`${def.group}/${def.kind}`] ?? NONE;
}

/**
 * Getters for a CRD version's selectableFields (`.spec.color`): the value as a string, as kube
 * formats string, integer and boolean fields; '' when absent.
 */
export function customResourceFieldGetters(jsonPaths: readonly string[]): FieldGetters {
  const out: Record<string, FieldGetter> = {};
  for (const p of jsonPaths) {
    const path = compileJsonPath(p);
    const label = p.startsWith('.') ? p.slice(1) : p;
    out[label] = (o) => {
      const found = path(o);
      return found.length === 0 ? '' : jsonPathText(found[0]) ?? '';
    };
  }
  return out;
}
