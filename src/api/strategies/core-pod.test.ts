import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { podStrategy, POD_UPDATE_FORBIDDEN } from './core-pod.js';
import { defaultPullPolicy } from './pod-defaults.js';
import { create, get, meta, update, withValue } from './test-harness.js';

const pod = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: meta('web'),
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }], ...spec },
});

describe('Pod defaults', () => {
  test('a valid pod passes and gets kube defaults', () => {
    const { obj, errs } = create(podStrategy, pod({ containers: [{ name: 'web', image: 'nginx', livenessProbe: { httpGet: { port: 80 } }, ports: [{ containerPort: 80 }] }] }));
    assert.deepEqual(errs, []);
    const at = (p: string): unknown => get(obj, p);
    assert.equal(at('spec.restartPolicy'), 'Always');
    assert.equal(at('spec.dnsPolicy'), 'ClusterFirst');
    assert.equal(at('spec.schedulerName'), 'default-scheduler');
    assert.equal(at('spec.terminationGracePeriodSeconds'), 30);
    assert.deepEqual(at('spec.securityContext'), {});
    assert.equal(at('spec.enableServiceLinks'), true);
    assert.equal(at('spec.priority'), 0);
    assert.equal(at('spec.containers[0].imagePullPolicy'), 'Always');
    assert.equal(at('spec.containers[0].terminationMessagePath'), '/dev/termination-log');
    assert.equal(at('spec.containers[0].terminationMessagePolicy'), 'File');
    assert.deepEqual(at('spec.containers[0].resources'), {});
    assert.equal(at('spec.containers[0].ports[0].protocol'), 'TCP');
    assert.deepEqual(at('spec.containers[0].livenessProbe'), { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'BestEffort' });
  });

  test('imagePullPolicy follows the tag', () => {
    assert.equal(defaultPullPolicy('nginx'), 'Always');
    assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
    assert.equal(defaultPullPolicy('nginx:1.27'), 'IfNotPresent');
    assert.equal(defaultPullPolicy('localhost:5000/app'), 'Always');
    assert.equal(defaultPullPolicy('localhost:5000/app:v1'), 'IfNotPresent');
    assert.equal(defaultPullPolicy('nginx@sha256:abc'), 'IfNotPresent');
  });

  test('limits-only containers get requests = limits and are Guaranteed', () => {
    const { obj, errs } = create(podStrategy, pod({ containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] }));
    assert.deepEqual(errs, []);
    assert.deepEqual(get(obj, 'spec.containers[0].resources.requests'), { cpu: '500m', memory: '128Mi' });
    assert.equal(get(obj, 'status.qosClass'), 'Guaranteed');
  });

  test('requests below limits make a Burstable pod', () => {
    const { obj } = create(podStrategy, pod({ containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } }] }));
    assert.equal(get(obj, 'status.qosClass'), 'Burstable');
  });

  test('an empty volume gets emptyDir and secret volumes a default mode', () => {
    const { obj, errs } = create(podStrategy, pod({ volumes: [{ name: 'scratch' }, { name: 's', secret: { secretName: 'tls' } }] }));
    assert.deepEqual(errs, []);
    assert.deepEqual(get(obj, 'spec.volumes'), [{ name: 'scratch', emptyDir: {} }, { name: 's', secret: { secretName: 'tls', defaultMode: 420 } }]);
  });
});

describe('Pod validation', () => {
  test('classic mistakes name kube field paths', () => {
    const { fields, errs } = create(podStrategy, pod({
      restartPolicy: 'Sometimes',
      containers: [
        { name: 'web', image: '' },
        { name: 'web', image: 'a:1', ports: [{ containerPort: 70000 }], env: [{ name: 'A=B', value: 'x' }], volumeMounts: [{ name: 'missing', mountPath: '/data' }] },
        { name: 'Bad_Name', image: 'a:1' },
      ],
    }));
    assert.ok(fields.includes('spec.containers[0].image'), fields.join());
    assert.ok(fields.includes('spec.containers[1].name'));
    assert.equal(errs.find((e) => e.field === 'spec.containers[1].name')?.type, 'FieldValueDuplicate');
    assert.ok(fields.includes('spec.containers[1].ports[0].containerPort'));
    assert.ok(fields.includes('spec.containers[1].env[0].name'));
    assert.equal(errs.find((e) => e.field === 'spec.containers[1].volumeMounts[0].name')?.type, 'FieldValueNotFound');
    assert.ok(fields.includes('spec.containers[2].name'));
    const rp = errs.find((e) => e.field === 'spec.restartPolicy');
    assert.equal(rp?.message, 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
  });

  test('containers are required', () => {
    const { errs } = create(podStrategy, { metadata: meta('p'), spec: { containers: [] } });
    assert.deepEqual(errs.map((e) => [e.field, e.type]), [['spec.containers', 'FieldValueRequired']]);
  });

  test('requests above limits are refused', () => {
    const { errs } = create(podStrategy, pod({ containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }));
    assert.equal(errs.length, 1);
    assert.equal(errs[0]?.field, 'spec.containers[0].resources.requests');
    assert.match(errs[0]?.message ?? '', /must be less than or equal to cpu limit of 1/);
  });

  test('duplicate volume names and two sources in one volume', () => {
    const { errs } = create(podStrategy, pod({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] }));
    assert.deepEqual(errs.map((e) => [e.field, e.type]), [['spec.volumes[1].name', 'FieldValueDuplicate'], ['spec.volumes[1].emptyDir', 'FieldValueForbidden']]);
  });

  test('metadata: name required, namespace required, bad labels', () => {
    const { fields } = create(podStrategy, { metadata: { labels: { 'bad key!': 'v' } }, spec: { containers: [{ name: 'a', image: 'b:1' }] } }, true);
    assert.ok(fields.includes('metadata.name'));
    assert.ok(fields.includes('metadata.namespace'));
    assert.ok(fields.includes('metadata.labels'), fields.join());
  });

  test('a liveness probe needs successThreshold 1 and one handler', () => {
    const { fields } = create(podStrategy, pod({ containers: [{ name: 'a', image: 'b:1', livenessProbe: { successThreshold: 2, exec: { command: ['true'] } }, readinessProbe: {} }] }));
    assert.deepEqual(fields, ['spec.containers[0].livenessProbe.successThreshold', 'spec.containers[0].readinessProbe']);
  });
});

describe('Pod update', () => {
  const stored = create(podStrategy, pod({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] })).obj;

  test('image, labels and added tolerations may change; status is kept', () => {
    let next = withValue(stored, 'metadata.labels', { tier: 'web' });
    next = withValue(next, 'spec.containers[0].image', 'nginx:1.28');
    next = withValue(next, 'spec.tolerations[1]', { key: 'other', operator: 'Exists' });
    next = withValue(next, 'status', { phase: 'Running' });
    const { errs, obj } = update(podStrategy, stored, next);
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.status, stored.status);
  });

  test('other spec changes get kube\'s message on `spec`', () => {
    const next = withValue(stored, 'spec.containers[0].ports[0].containerPort', 8080);
    const { errs } = update(podStrategy, stored, next);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]?.field, 'spec');
    assert.equal(errs[0]?.type, 'FieldValueForbidden');
    assert.ok(errs[0]?.message.startsWith(`Forbidden: ${POD_UPDATE_FORBIDDEN}`));
    assert.match(errs[0]?.message ?? '', /spec\.containers\[0\]\.ports\[0\]\.containerPort/);
  });

  test('removing a toleration or renaming the pod is refused', () => {
    const next = withValue(withValue(stored, 'spec.tolerations', []), 'metadata.name', 'other');
    const { fields } = update(podStrategy, stored, next);
    assert.deepEqual(fields, ['metadata.name', 'spec.tolerations']);
  });
});
