// The HorizontalPodAutoscaler table, for both autoscaling/v2 objects (spec.metrics) and
// autoscaling/v1 objects (targetCPUUtilizationPercentage), which kube prints alike after conversion.
// Reference: kubernetes pkg/printers/internalversion/printers.go formatHPAMetrics.
import type { KubeObject } from '../../../machinery/object.js';
import type { TableDef } from '../../types.js';
import { ageColumn, ageOf, arr, column, nameColumn, nameOf, num, obj, optNum, str, table, type Obj } from './common.js';

const UNKNOWN = '<unknown>';

function qty(v: unknown): string {
  return typeof v === 'number' ? String(v) : str(v) || '0';
}

function pct(v: unknown): string | undefined {
  const n = optNum(v);
  return n === undefined ? undefined : `${n}%`;
}

/** One "current/target" cell piece per metric (see formatHPAMetrics). */
function formatMetric(spec: Obj, status: Obj | undefined): string {
  switch (spec['type']) {
    case 'External':
    case 'Object': {
      const key = spec['type'] === 'External' ? 'external' : 'object';
      const target = obj(spec, key, 'target');
      const current = status?.[key] != null ? obj(status, key, 'current') : undefined;
      if (target['averageValue'] != null) {
        const cur = current?.['averageValue'] != null ? qty(current['averageValue']) : UNKNOWN;
        return `${cur}/${qty(target['averageValue'])} (avg)`;
      }
      return `${current ? qty(current['value']) : UNKNOWN}/${qty(target['value'])}`;
    }
    case 'Pods': {
      const current = status?.['pods'] != null ? qty(obj(status, 'pods', 'current')['averageValue']) : UNKNOWN;
      return `${current}/${qty(obj(spec, 'pods', 'target')['averageValue'])}`;
    }
    case 'Resource':
    case 'ContainerResource': {
      const key = spec['type'] === 'Resource' ? 'resource' : 'containerResource';
      const source = obj(spec[key]);
      const target = obj(source['target']);
      const current = status?.[key] != null ? obj(status, key, 'current') : undefined;
      if (target['averageValue'] != null) {
        const cur = current ? qty(current['averageValue']) : UNKNOWN;
        return `${str(source['name'])}: ${cur}/${qty(target['averageValue'])}`;
      }
      const cur = (current && pct(current['averageUtilization'])) ?? UNKNOWN;
      return `${str(source['name'])}: ${cur}/${pct(target['averageUtilization']) ?? '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** At most two metrics, then "+ N more..."; "<none>" without metrics. */
export function formatHpaTargets(hpa: KubeObject): string {
  const spec = obj(hpa['spec']);
  const status = obj(hpa['status']);
  let specs = arr(spec['metrics']).map((m) => obj(m));
  let statuses = arr(status['currentMetrics']).map((m) => obj(m));
  // autoscaling/v1 form: one CPU utilization target, as conversion to the internal type yields.
  if (specs.length === 0 && spec['targetCPUUtilizationPercentage'] != null) {
    specs = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec['targetCPUUtilizationPercentage'] } } }];
    statuses = status['currentCPUUtilizationPercentage'] != null
      ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status['currentCPUUtilizationPercentage'] } } }]
      : [];
  }
  if (specs.length === 0) return '<none>';
  const max = 2;
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  if (list.length <= max) return list.join(', ');
  return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
}

export const horizontalPodAutoscalerTable: TableDef = table([
  nameColumn,
  column('Reference', 'The target resource whose scale is controlled.'),
  column('Targets', 'Current and target values of the metrics used to compute the replica count.'),
  column('MinPods', 'The lower limit for the number of replicas.'),
  column('MaxPods', 'The upper limit for the number of replicas.'),
  column('Replicas', 'Current number of replicas of pods managed by this autoscaler.'),
  ageColumn,
], (o, now) => {
  const spec = obj(o['spec']);
  const ref = obj(spec['scaleTargetRef']);
  const min = optNum(spec['minReplicas']);
  return [
    nameOf(o), `${str(ref['kind'])}/${str(ref['name'])}`, formatHpaTargets(o), min === undefined ? '<unset>' : String(min),
    num(spec['maxReplicas']), num(obj(o['status'])['currentReplicas']), ageOf(o, now),
  ];
});
