// autoscaling HorizontalPodAutoscaler: v2 defaults and validation (pkg/apis/autoscaling/v2/defaults.go,
// pkg/apis/autoscaling/validation) on the stored v2 form, and the v1 ⇄ v2 conversion
// (pkg/apis/autoscaling/v1/conversion.go): v1 keeps only the CPU target; the other metrics, the
// current metrics, the conditions and the behavior ride in alpha annotations so nothing is lost.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import {
  arr, bumpGeneration, checkFormat, child, defineStrategy, inRange, items, keepStatus, nameIsPathSegment, num, oneOf,
  rec, resetStatus, selectorErrors, setDefault, str,
} from './common.js';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa-conversion.js';
import { quantityValue } from './resources.js';

export { hpaV1ToV2, hpaV2ToV1 };

/** autoscaling.DefaultCPUUtilization: the target when an HPA names no metric. */
export const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP_DEFAULT = {
  stabilizationWindowSeconds: 0, selectPolicy: 'Max',
  policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
};
const SCALE_DOWN_DEFAULT = { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: fill what a given behavior leaves out. */
function defaultRules(rules: Obj, defaults: typeof SCALE_DOWN_DEFAULT): void {
  setDefault(rules, 'stabilizationWindowSeconds', defaults.stabilizationWindowSeconds);
  setDefault(rules, 'selectPolicy', defaults.selectPolicy);
  if (rules.policies === undefined || rules.policies === null) rules.policies = structuredClone(defaults.policies);
}

export function defaultHPA(hpa: KubeObject): void {
  const spec = child(hpa, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (arr(spec.metrics).length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  const behavior = rec(spec.behavior);
  if (behavior) {
    defaultRules(child(behavior, 'scaleUp'), SCALE_UP_DEFAULT);
    defaultRules(child(behavior, 'scaleDown'), SCALE_DOWN_DEFAULT);
  }
}

const SOURCE_KEY: Record<string, string> = {
  Object: 'object', Pods: 'pods', Resource: 'resource', ContainerResource: 'containerResource', External: 'external',
};

function positiveQuantity(v: unknown, path: string): FieldError[] {
  const q = quantityValue(v);
  return q !== undefined && q > 0 ? [] : [field.invalid(path, v ?? null, 'must be positive')];
}

/** validateMetricTarget plus which target types a source allows. */
function targetErrors(target: unknown, path: string, allowed: readonly string[]): FieldError[] {
  const t = rec(target);
  if (!t) return [field.required(path, 'must specify a metric target')];
  const errs = oneOf(t.type, `${path}.type`, allowed);
  if (t.type === 'Utilization') {
    if (t.averageUtilization === undefined) errs.push(field.required(`${path}.averageUtilization`, 'must set either a target raw value or a target utilization'));
    else if (typeof t.averageUtilization !== 'number' || t.averageUtilization <= 0) errs.push(field.invalid(`${path}.averageUtilization`, t.averageUtilization, 'must be greater than 0'));
  }
  if (t.type === 'Value') errs.push(...positiveQuantity(t.value, `${path}.value`));
  if (t.type === 'AverageValue') errs.push(...positiveQuantity(t.averageValue, `${path}.averageValue`));
  return errs;
}

function metricIdentifierErrors(m: unknown, path: string): FieldError[] {
  const id = rec(m);
  if (!id || !str(id.name)) return [field.required(`${path}.name`, 'must specify a metric name')];
  return selectorErrors(id.selector, `${path}.selector`);
}

function metricErrors(metric: Obj, path: string): FieldError[] {
  const errs = oneOf(metric.type, `${path}.type`, Object.keys(SOURCE_KEY));
  const key = typeof metric.type === 'string' ? SOURCE_KEY[metric.type] : undefined;
  if (!key) return errs;
  for (const other of Object.values(SOURCE_KEY)) {
    if (other !== key && metric[other] !== undefined && metric[other] !== null) errs.push(field.forbidden(`${path}.${other}`, 'must populate the given metric source only'));
  }
  const src = rec(metric[key]);
  if (!src) return [...errs, field.required(`${path}.${key}`, 'must populate information for the given metric source')];
  const p = `${path}.${key}`;
  switch (metric.type) {
    case 'Resource':
    case 'ContainerResource':
      if (!str(src.name)) errs.push(field.required(`${p}.name`, 'must specify a resource name'));
      if (metric.type === 'ContainerResource' && !str(src.container)) errs.push(field.required(`${p}.container`, 'must specify a container'));
      errs.push(...targetErrors(src.target, `${p}.target`, ['Utilization', 'AverageValue']));
      break;
    case 'Pods':
      errs.push(...metricIdentifierErrors(src.metric, `${p}.metric`), ...targetErrors(src.target, `${p}.target`, ['AverageValue']));
      break;
    case 'Object': {
      const described = rec(src.describedObject);
      if (!str(described?.kind)) errs.push(field.required(`${p}.describedObject.kind`, ''));
      if (!str(described?.name)) errs.push(field.required(`${p}.describedObject.name`, ''));
      errs.push(...metricIdentifierErrors(src.metric, `${p}.metric`), ...targetErrors(src.target, `${p}.target`, ['Value', 'AverageValue']));
      break;
    }
    default:
      errs.push(...metricIdentifierErrors(src.metric, `${p}.metric`), ...targetErrors(src.target, `${p}.target`, ['Value', 'AverageValue']));
  }
  return errs;
}

function rulesErrors(rules: unknown, path: string): FieldError[] {
  const r = rec(rules);
  if (!r) return [];
  const errs = [...inRange(r.stabilizationWindowSeconds, `${path}.stabilizationWindowSeconds`, 0, 3600)];
  if (r.selectPolicy !== undefined) errs.push(...oneOf(r.selectPolicy, `${path}.selectPolicy`, ['Max', 'Min', 'Disabled']));
  for (const [policy, i] of items(r.policies)) {
    const p = `${path}.policies[${i}]`;
    errs.push(...oneOf(policy.type, `${p}.type`, ['Pods', 'Percent']));
    if (typeof policy.value !== 'number' || policy.value <= 0) errs.push(field.invalid(`${p}.value`, policy.value ?? null, 'must be greater than zero'));
    if (typeof policy.periodSeconds !== 'number' || policy.periodSeconds <= 0) errs.push(field.invalid(`${p}.periodSeconds`, policy.periodSeconds ?? null, 'must be greater than zero'));
    else if (policy.periodSeconds > 1800) errs.push(field.invalid(`${p}.periodSeconds`, policy.periodSeconds, 'must be less than or equal to 1800'));
  }
  return errs;
}

export function validateHPA(hpa: KubeObject): FieldError[] {
  const spec = rec(hpa.spec);
  if (!spec) return [field.required('spec', '')];
  const errs: FieldError[] = [];
  const ref = rec(spec.scaleTargetRef);
  if (!str(ref?.kind)) errs.push(field.required('spec.scaleTargetRef.kind', ''));
  else errs.push(...checkFormat(ref?.kind, 'spec.scaleTargetRef.kind', (s) => nameIsPathSegment(s, false)));
  if (!str(ref?.name)) errs.push(field.required('spec.scaleTargetRef.name', ''));
  else errs.push(...checkFormat(ref?.name, 'spec.scaleTargetRef.name', (s) => nameIsPathSegment(s, false)));
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas);
  if (spec.minReplicas !== undefined && (min === undefined || min < 1)) errs.push(field.invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  if (max === undefined || max < 1) errs.push(field.invalid('spec.maxReplicas', spec.maxReplicas ?? 0, 'must be greater than 0'));
  else if (min !== undefined && max < min) errs.push(field.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  for (const [metric, i] of items(spec.metrics)) errs.push(...metricErrors(metric, `spec.metrics[${i}]`));
  const behavior = rec(spec.behavior);
  if (behavior) {
    errs.push(...rulesErrors(behavior.scaleUp, 'spec.behavior.scaleUp'), ...rulesErrors(behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}

const isV1 = (hpa: KubeObject): boolean => hpa.apiVersion === 'autoscaling/v1';

/** autoscaling/v1 objects: v1 defaults (minReplicas only) and the v2 rules on their v2 conversion. */
function validateAnyVersion(hpa: KubeObject): FieldError[] {
  if (!isV1(hpa)) return validateHPA(hpa);
  const cpu = rec(hpa.spec)?.targetCPUUtilizationPercentage;
  const errs: FieldError[] = [];
  if (cpu !== undefined && cpu !== null && (typeof cpu !== 'number' || cpu < 1)) {
    errs.push(field.invalid('spec.targetCPUUtilizationPercentage', cpu, 'must be greater than 0'));
  }
  // A v1 object converts to a CPU metric only, so metric errors are the target's, reported above.
  return [...errs, ...validateHPA(hpaV1ToV2(hpa)).filter((e) => !e.field.startsWith('spec.metrics'))];
}

/**
 * HorizontalPodAutoscaler in either served version: autoscaling/v2 (stored) or autoscaling/v1 (as
 * the client sent it, told apart by apiVersion, before the registry converts it with hpaV1ToV2).
 */
export const hpaStrategy: KindStrategy = defineStrategy({
  default: (hpa) => {
    if (isV1(hpa)) setDefault(child(hpa, 'spec'), 'minReplicas', 1);
    else defaultHPA(hpa);
  },
  validate: validateAnyVersion,
  prepareForCreate: (hpa) => resetStatus(hpa, isV1(hpa) ? { currentReplicas: 0, desiredReplicas: 0 } : { desiredReplicas: 0 }),
  prepareForUpdate: (hpa, old) => {
    keepStatus(hpa, old);
    bumpGeneration(hpa, old);
  },
});
