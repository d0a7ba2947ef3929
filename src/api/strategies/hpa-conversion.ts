// HorizontalPodAutoscaler autoscaling/v1 ⇄ autoscaling/v2, as pkg/apis/autoscaling/v1/conversion.go:
// v1 shows the CPU utilization target; every other metric, the current metrics, the conditions and
// the behavior are kept in alpha annotations (metrics in v1's own MetricSpec shape) and restored.
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import { arr, items, rec, str } from './common.js';

export const HPA_ANNOTATIONS = {
  metrics: 'autoscaling.alpha.kubernetes.io/metrics',
  currentMetrics: 'autoscaling.alpha.kubernetes.io/current-metrics',
  conditions: 'autoscaling.alpha.kubernetes.io/conditions',
  behavior: 'autoscaling.alpha.kubernetes.io/behavior',
} as const;

const DEFAULT_CPU_UTILIZATION = 80;

/** Copies of the given keys of o that are set. */
function pick(o: Obj | undefined, keys: readonly string[]): Obj {
  const out: Obj = {};
  if (o) for (const k of keys) if (o[k] !== undefined && o[k] !== null) out[k] = structuredClone(o[k]);
  return out;
}

const isCpuUtilizationSpec = (m: Obj): boolean => m.type === 'Resource' && rec(m.resource)?.name === 'cpu'
  && rec(rec(m.resource)?.target)?.type === 'Utilization' && rec(rec(m.resource)?.target)?.averageUtilization !== undefined;

// ---- metric specs: v2 ⇄ v1 (v2beta1-shaped) ----

function targetToV1(target: Obj | undefined, valueKey: string, averageKey: string): Obj {
  const out: Obj = {};
  if (target?.averageUtilization !== undefined) out.targetAverageUtilization = target.averageUtilization;
  if (target?.value !== undefined) out[valueKey] = target.value;
  if (target?.averageValue !== undefined) out[averageKey] = target.averageValue;
  return out;
}

function targetFromV1(src: Obj, valueKey: string, averageKey: string): Obj {
  if (src.targetAverageUtilization !== undefined) return { type: 'Utilization', averageUtilization: src.targetAverageUtilization };
  if (src[averageKey] !== undefined) return { type: 'AverageValue', averageValue: src[averageKey] };
  return { type: 'Value', value: src[valueKey] };
}

function metricSpecToV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const metric = (src: Obj | undefined): Obj => pick({ metricName: rec(src?.metric)?.name, selector: rec(src?.metric)?.selector }, ['metricName', 'selector']);
  switch (m.type) {
    case 'Resource': case 'ContainerResource': {
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      const src = rec(m[key]);
      out[key] = { ...pick(src, ['name', 'container']), ...targetToV1(rec(src?.target), 'targetAverageValue', 'targetAverageValue') };
      break;
    }
    case 'Pods': out.pods = { ...metric(rec(m.pods)), ...targetToV1(rec(rec(m.pods)?.target), 'targetAverageValue', 'targetAverageValue') }; break;
    case 'Object': {
      const src = rec(m.object);
      out.object = { target: structuredClone(src?.describedObject ?? {}), ...metric(src), ...targetToV1(rec(src?.target), 'targetValue', 'averageValue') };
      break;
    }
    case 'External': {
      const src = rec(m.external);
      out.external = { ...pick({ metricName: rec(src?.metric)?.name, metricSelector: rec(src?.metric)?.selector }, ['metricName', 'metricSelector']),
        ...targetToV1(rec(src?.target), 'targetValue', 'targetAverageValue') };
      break;
    }
    default: break;
  }
  return out;
}

function metricSpecFromV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const metric = (src: Obj, selectorKey = 'selector'): Obj => ({ metric: pick({ name: src.metricName, selector: src[selectorKey] }, ['name', 'selector']) });
  switch (m.type) {
    case 'Resource': case 'ContainerResource': {
      const key = m.type === 'Resource' ? 'resource' : 'containerResource';
      const src = rec(m[key]) ?? {};
      out[key] = { ...pick(src, ['name', 'container']), target: targetFromV1(src, 'targetAverageValue', 'targetAverageValue') };
      break;
    }
    case 'Pods': { const src = rec(m.pods) ?? {}; out.pods = { ...metric(src), target: targetFromV1(src, 'targetAverageValue', 'targetAverageValue') }; break; }
    case 'Object': {
      const src = rec(m.object) ?? {};
      out.object = { describedObject: structuredClone(src.target ?? {}), ...metric(src), target: targetFromV1(src, 'targetValue', 'averageValue') };
      break;
    }
    case 'External': {
      const src = rec(m.external) ?? {};
      out.external = { ...metric(src, 'metricSelector'), target: targetFromV1(src, 'targetValue', 'targetAverageValue') };
      break;
    }
    default: break;
  }
  return out;
}

// ---- metric statuses ----

function currentToV1(current: Obj | undefined, valueKey: string, averageKey: string): Obj {
  const out: Obj = {};
  if (current?.averageUtilization !== undefined) out.currentAverageUtilization = current.averageUtilization;
  if (current?.value !== undefined) out[valueKey] = current.value;
  if (current?.averageValue !== undefined) out[averageKey] = current.averageValue;
  return out;
}

/** `valueKey` is undefined for sources whose v1 status has an average only (Resource, Pods). */
function currentFromV1(src: Obj, valueKey: string | undefined, averageKey: string): Obj {
  const value = valueKey === undefined ? undefined : src[valueKey];
  return pick({ averageUtilization: src.currentAverageUtilization, value, averageValue: src[averageKey] }, ['averageUtilization', 'value', 'averageValue']);
}

function metricStatusToV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const key = typeof m.type === 'string' ? m.type.charAt(0).toLowerCase() + m.type.slice(1) : '';
  const src = rec(m[key]);
  if (!src) return out;
  const id = rec(src.metric);
  if (m.type === 'Resource' || m.type === 'ContainerResource') out[key] = { ...pick(src, ['name', 'container']), ...currentToV1(rec(src.current), 'currentAverageValue', 'currentAverageValue') };
  else if (m.type === 'Pods') out[key] = { ...pick({ metricName: id?.name, selector: id?.selector }, ['metricName', 'selector']), ...currentToV1(rec(src.current), 'currentAverageValue', 'currentAverageValue') };
  else if (m.type === 'Object') out[key] = { target: structuredClone(src.describedObject ?? {}), ...pick({ metricName: id?.name, selector: id?.selector }, ['metricName', 'selector']), ...currentToV1(rec(src.current), 'currentValue', 'averageValue') };
  else if (m.type === 'External') out[key] = { ...pick({ metricName: id?.name, metricSelector: id?.selector }, ['metricName', 'metricSelector']), ...currentToV1(rec(src.current), 'currentValue', 'currentAverageValue') };
  return out;
}

function metricStatusFromV1(m: Obj): Obj {
  const out: Obj = { type: m.type };
  const key = typeof m.type === 'string' ? m.type.charAt(0).toLowerCase() + m.type.slice(1) : '';
  const src = rec(m[key]);
  if (!src) return out;
  const id = (selectorKey: string): Obj => ({ metric: pick({ name: src.metricName, selector: src[selectorKey] }, ['name', 'selector']) });
  if (m.type === 'Resource' || m.type === 'ContainerResource') out[key] = { ...pick(src, ['name', 'container']), current: currentFromV1(src, undefined, 'currentAverageValue') };
  else if (m.type === 'Pods') out[key] = { ...id('selector'), current: currentFromV1(src, undefined, 'currentAverageValue') };
  else if (m.type === 'Object') out[key] = { describedObject: structuredClone(src.target ?? {}), ...id('selector'), current: currentFromV1(src, 'currentValue', 'averageValue') };
  else if (m.type === 'External') out[key] = { ...id('metricSelector'), current: currentFromV1(src, 'currentValue', 'currentAverageValue') };
  return out;
}

function parseAnnotation(annotations: Obj, key: string): unknown[] | Obj | undefined {
  const raw = str(annotations[key]);
  if (raw === undefined) return undefined;
  delete annotations[key];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v : rec(v);
  } catch {
    return undefined; // kube fails the conversion; a damaged annotation is dropped instead of failing reads
  }
}

/** autoscaling/v2 (stored) → autoscaling/v1. */
export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const src = structuredClone(obj);
  const spec = rec(src.spec) ?? {};
  const status = rec(src.status);
  const meta: Obj = structuredClone(rec(src.metadata) ?? {});
  const annotations: Obj = { ...(rec(meta.annotations) ?? {}) };
  const metrics = items(spec.metrics).map(([m]) => m);
  const cpu = metrics.find(isCpuUtilizationSpec);
  const others = metrics.filter((m) => !isCpuUtilizationSpec(m));
  if (others.length) annotations[HPA_ANNOTATIONS.metrics] = JSON.stringify(others.map(metricSpecToV1));
  if (rec(spec.behavior)) annotations[HPA_ANNOTATIONS.behavior] = JSON.stringify(spec.behavior);
  const currentMetrics = items(status?.currentMetrics).map(([m]) => m);
  if (currentMetrics.length) annotations[HPA_ANNOTATIONS.currentMetrics] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  if (arr(status?.conditions).length) annotations[HPA_ANNOTATIONS.conditions] = JSON.stringify(status?.conditions);
  if (Object.keys(annotations).length) meta.annotations = annotations;
  const v1Spec: Obj = pick(spec, ['scaleTargetRef', 'minReplicas', 'maxReplicas']);
  const cpuTarget = rec(rec(cpu?.resource)?.target)?.averageUtilization;
  if (cpuTarget !== undefined) v1Spec.targetCPUUtilizationPercentage = cpuTarget;
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v1Spec };
  if (status) {
    const v1Status: Obj = pick(status, ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']);
    const cpuNow = currentMetrics.find((m) => m.type === 'Resource' && rec(m.resource)?.name === 'cpu');
    const util = rec(rec(cpuNow?.resource)?.current)?.averageUtilization;
    if (util !== undefined) v1Status.currentCPUUtilizationPercentage = util;
    out.status = v1Status;
  }
  return out;
}

/** autoscaling/v1 → autoscaling/v2 (stored); with no metric at all the CPU default applies. */
export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const src = structuredClone(obj);
  const spec = rec(src.spec) ?? {};
  const status = rec(src.status);
  const meta: Obj = structuredClone(rec(src.metadata) ?? {});
  const annotations: Obj = { ...(rec(meta.annotations) ?? {}) };
  const metrics: Obj[] = [];
  if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const others = parseAnnotation(annotations, HPA_ANNOTATIONS.metrics);
  if (Array.isArray(others)) for (const [m] of items(others)) metrics.push(metricSpecFromV1(m));
  if (metrics.length === 0) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } });
  }
  const behavior = parseAnnotation(annotations, HPA_ANNOTATIONS.behavior);
  const current = parseAnnotation(annotations, HPA_ANNOTATIONS.currentMetrics);
  const conditions = parseAnnotation(annotations, HPA_ANNOTATIONS.conditions);
  if (Object.keys(annotations).length) meta.annotations = annotations;
  else delete meta.annotations;
  const v2Spec: Obj = { ...pick(spec, ['scaleTargetRef', 'minReplicas', 'maxReplicas']), metrics };
  if (rec(behavior)) v2Spec.behavior = behavior;
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v2Spec };
  if (status) {
    const v2Status: Obj = pick(status, ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']);
    if (Array.isArray(current)) v2Status.currentMetrics = items(current).map(([m]) => metricStatusFromV1(m));
    else if (status.currentCPUUtilizationPercentage !== undefined) {
      v2Status.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
    }
    if (Array.isArray(conditions)) v2Status.conditions = conditions;
    out.status = v2Status;
  }
  return out;
}
