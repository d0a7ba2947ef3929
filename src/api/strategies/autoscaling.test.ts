import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hpaStrategy, hpaV1ToV2, hpaV2ToV1 } from './autoscaling.js';
import { HPA_ANNOTATIONS } from './hpa-conversion.js';
import { create, get, meta } from './test-harness.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const hpa = (spec: Record<string, unknown>) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: ref, maxReplicas: 5, ...spec } });

describe('HorizontalPodAutoscaler v2', () => {
  test('minReplicas 1 and an 80% CPU target when no metric is given', () => {
    const { obj, errs } = create(hpaStrategy, hpa({}));
    assert.deepEqual(errs, []);
    assert.equal(get(obj, 'spec.minReplicas'), 1);
    assert.deepEqual(get(obj, 'spec.metrics'), [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });

  test('a given behavior is completed with kube defaults', () => {
    const { obj } = create(hpaStrategy, hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
    assert.deepEqual(get(obj, 'spec.behavior.scaleDown'), { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    assert.equal(get(obj, 'spec.behavior.scaleUp.policies[0].value'), 4);
  });

  test('replica bounds, target reference and metrics are checked', () => {
    const { fields, errs } = create(hpaStrategy, hpa({
      scaleTargetRef: { kind: 'Deployment' }, minReplicas: 3, maxReplicas: 2,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }, { type: 'Pods' }],
    }));
    assert.deepEqual(fields, ['spec.scaleTargetRef.name', 'spec.maxReplicas', 'spec.metrics[0].resource.target.averageUtilization', 'spec.metrics[1].pods']);
    assert.equal(errs[1]?.message, 'Invalid value: 2: must be greater than or equal to `minReplicas`');
    assert.deepEqual(create(hpaStrategy, hpa({ minReplicas: 0 })).fields, ['spec.minReplicas']);
  });
});

describe('HorizontalPodAutoscaler v1 as sent by a client', () => {
  test('v1 defaults and checks its CPU target', () => {
    const v1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: ref, maxReplicas: 3, targetCPUUtilizationPercentage: 0 } };
    const { obj, fields } = create(hpaStrategy, v1);
    assert.equal(get(obj, 'spec.minReplicas'), 1);
    assert.equal(get(obj, 'spec.metrics'), undefined);
    assert.deepEqual(fields, ['spec.targetCPUUtilizationPercentage']);
    assert.deepEqual(create(hpaStrategy, { ...v1, spec: { scaleTargetRef: ref, maxReplicas: 3 } }).errs, []);
  });
});

describe('HPA v1 ⇄ v2 conversion', () => {
  test('v1 CPU target becomes a v2 Resource metric and back', () => {
    const v1 = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60 } };
    const v2 = hpaV1ToV2(v1);
    assert.equal(v2.apiVersion, 'autoscaling/v2');
    assert.deepEqual(get(v2, 'spec.metrics'), [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    assert.deepEqual(hpaV2ToV1(v2), v1);
  });

  test('v1 without a target gets the 80% default', () => {
    const v2 = hpaV1ToV2({ metadata: meta('web'), spec: { scaleTargetRef: ref, maxReplicas: 3 } });
    assert.equal(get(v2, 'spec.metrics[0].resource.target.averageUtilization'), 80);
  });

  test('other metrics, behavior and status survive a round trip through v1 annotations', () => {
    const v2 = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { ...meta('web'), annotations: { keep: 'me' } },
      spec: {
        scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'External', external: { metric: { name: 'queue_depth', selector: { matchLabels: { q: 'jobs' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 10 } },
      },
      status: {
        currentReplicas: 2, desiredReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 70, averageValue: '140m' } } }],
        conditions: [{ type: 'AbleToScale', status: 'True' }],
      },
    };
    const v1 = hpaV2ToV1(v2);
    assert.equal(get(v1, 'spec.targetCPUUtilizationPercentage'), 50);
    assert.equal(get(v1, 'status.currentCPUUtilizationPercentage'), 70);
    const annotations = get(v1, 'metadata.annotations') as Record<string, string>;
    assert.deepEqual(JSON.parse(annotations[HPA_ANNOTATIONS.metrics] ?? '[]'), [
      { type: 'External', external: { metricName: 'queue_depth', metricSelector: { matchLabels: { q: 'jobs' } }, targetAverageValue: '30' } },
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
    ]);
    assert.deepEqual(hpaV1ToV2(v1), v2);
  });
});
