import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceStrategy } from './core-service.js';
import { create, get, meta, update, withValue } from './test-harness.js';

const svc = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec });

describe('Service', () => {
  test('defaults: ClusterIP, None affinity, TCP, targetPort = port, single stack', () => {
    const { obj, errs } = create(serviceStrategy, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
    assert.deepEqual(errs, []);
    assert.deepEqual(obj.spec, {
      selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP', sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
    });
    assert.deepEqual(obj.status, { loadBalancer: {} });
  });

  test('NodePort gets externalTrafficPolicy Cluster; nodePort range is checked', () => {
    const ok = create(serviceStrategy, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    assert.deepEqual(ok.errs, []);
    assert.equal(get(ok.obj, 'spec.externalTrafficPolicy'), 'Cluster');
    const bad = create(serviceStrategy, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }));
    assert.deepEqual(bad.fields, ['spec.ports[0].nodePort']);
    assert.match(bad.errs[0]?.message ?? '', /The range of valid ports is 30000-32767/);
    const clusterIP = create(serviceStrategy, svc({ ports: [{ port: 80, nodePort: 30080 }] }));
    assert.equal(clusterIP.errs[0]?.type, 'FieldValueForbidden');
  });

  test('ports: required, named when several, unique, in range', () => {
    assert.deepEqual(create(serviceStrategy, svc({})).fields, ['spec.ports']);
    assert.deepEqual(create(serviceStrategy, svc({ clusterIP: 'None' })).errs, []);
    assert.deepEqual(create(serviceStrategy, svc({ type: 'ExternalName', externalName: 'db.example.com' })).errs, []);
    const { fields, errs } = create(serviceStrategy, svc({ ports: [{ name: 'http', port: 80 }, { port: 443 }, { name: 'http', port: 70000 }] }));
    assert.deepEqual(fields, ['spec.ports[1].name', 'spec.ports[2].name', 'spec.ports[2].port', 'spec.ports[2].targetPort']);
    assert.equal(errs[1]?.type, 'FieldValueDuplicate');
  });

  test('a name must be a DNS-1035 label', () => {
    const { fields } = create(serviceStrategy, { metadata: meta('1web'), spec: { ports: [{ port: 80 }] } });
    assert.deepEqual(fields, ['metadata.name']);
  });

  test('clusterIP may not change; omitted allocated values are kept', () => {
    const stored = withValue(create(serviceStrategy, svc({ type: 'NodePort', ports: [{ port: 80 }] })).obj, 'spec.clusterIP', '10.0.0.10');
    const withAlloc = withValue(withValue(stored, 'spec.clusterIPs', ['10.0.0.10']), 'spec.ports[0].nodePort', 30001);
    const changed = update(serviceStrategy, withAlloc, withValue(withAlloc, 'spec.clusterIP', '10.0.0.11'));
    assert.equal(changed.errs.find((e) => e.field === 'spec.clusterIPs[0]')?.message, 'Invalid value: "10.0.0.11": may not change once set');
    const omitted = update(serviceStrategy, withAlloc, svc({ type: 'NodePort', ports: [{ port: 80 }] }));
    assert.deepEqual(omitted.errs, []);
    assert.equal(get(omitted.obj, 'spec.clusterIP'), '10.0.0.10');
    assert.equal(get(omitted.obj, 'spec.ports[0].nodePort'), 30001);
  });
});
