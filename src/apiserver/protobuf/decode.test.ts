import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { StatusError } from '../../machinery/errors.js';
import { decodeKubeProtobuf } from './index.js';

// Fixtures live beside the source; from dist/ the same relative folder under the repository root.
const testdata = new URL('./testdata/', import.meta.url.replace('/dist/src/', '/src/'));
const fixture = (name: string): Buffer => readFileSync(new URL(name, testdata));
const expected = (name: string): unknown => JSON.parse(fixture(`${name}.json`).toString('utf8'));

// Bodies captured from kubectl 1.32 (see testdata/README.md for the command behind each).
const CAPTURED = [
  'namespace', 'configmap', 'secret-generic', 'secret-docker-registry', 'deployment', 'service-nodeport',
  'service-clusterip', 'serviceaccount', 'job', 'job-from-cronjob', 'job-rich', 'cronjob', 'role',
  'rolebinding', 'clusterrole', 'clusterrole-url', 'clusterrolebinding', 'quota', 'priorityclass', 'pdb',
  'pdb-percent', 'ingress', 'autoscale', 'token', 'deleteoptions',
];

// A minimal protobuf writer, independent of the decoder's schema, for hand-built bodies.
// Field numbers are the upstream generated.proto ones.
function varint(n: bigint): Buffer {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Buffer.from(out);
}
const num = (id: number, n: number): Buffer => Buffer.concat([varint(BigInt(id << 3)), varint(BigInt(n))]);
const bytes = (id: number, b: Buffer): Buffer => Buffer.concat([varint(BigInt((id << 3) | 2)), varint(BigInt(b.length)), b]);
const str = (id: number, s: string): Buffer => bytes(id, Buffer.from(s, 'utf8'));
const msg = (id: number, ...parts: Buffer[]): Buffer => bytes(id, Buffer.concat(parts));
function body(apiVersion: string, kind: string, ...object: Buffer[]): Buffer {
  const unknown = Buffer.concat([msg(1, str(1, apiVersion), str(2, kind)), bytes(2, Buffer.concat(object))]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

function assertBadRequest(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatusError, `expected a StatusError, got ${String(e)}`);
    assert.equal(e.status.code, 400);
    assert.equal(e.status.reason, 'BadRequest');
    assert.match(e.message, message);
    return true;
  });
}

describe('decodeKubeProtobuf on bodies captured from kubectl 1.32', () => {
  for (const name of CAPTURED) {
    test(`${name}: decodes to the JSON kubectl would have sent`, () => {
      const decoded = decodeKubeProtobuf(fixture(`${name}.pb`));
      const want = expected(name) as { apiVersion: string; kind: string };
      assert.deepEqual(decoded.object, want);
      assert.equal(decoded.apiVersion, want.apiVersion);
      assert.equal(decoded.kind, want.kind);
    });
  }

  test('values users depend on come through with their JSON types', () => {
    const secret = decodeKubeProtobuf(fixture('secret-generic.pb')).object as { data: Record<string, string> };
    assert.equal(Buffer.from(secret.data['password'] ?? '', 'base64').toString(), 's3cr=t!');

    const svc = decodeKubeProtobuf(fixture('service-nodeport.pb')).object as { spec: { type: string; ports: unknown[] } };
    assert.equal(svc.spec.type, 'NodePort');
    assert.deepEqual(svc.spec.ports, [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }]);

    const pdb = decodeKubeProtobuf(fixture('pdb-percent.pb')).object as { spec: { maxUnavailable: unknown } };
    assert.equal(pdb.spec.maxUnavailable, '50%');

    const quota = decodeKubeProtobuf(fixture('quota.pb')).object as { spec: { hard: unknown } };
    assert.deepEqual(quota.spec.hard, { cpu: '2', memory: '4Gi', pods: '10' });

    const dep = decodeKubeProtobuf(fixture('deployment.pb')).object as { metadata: Record<string, unknown>; spec: { replicas: number } };
    assert.equal(dep.spec.replicas, 3);
    assert.equal(dep.metadata['creationTimestamp'], null);
  });
});

describe('decodeKubeProtobuf on hand-built bodies', () => {
  test('policy/v1 Eviction keeps a zero grace period (a set pointer) and its preconditions', () => {
    const decoded = decodeKubeProtobuf(body('policy/v1', 'Eviction',
      msg(1, str(1, 'lonely'), str(3, 'default'), msg(8)),
      msg(2, num(1, 0), msg(2, str(1, 'uid-1')), str(4, 'Foreground'))));
    assert.deepEqual(decoded.object, {
      kind: 'Eviction', apiVersion: 'policy/v1',
      metadata: { name: 'lonely', namespace: 'default', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, propagationPolicy: 'Foreground' },
    });
  });

  test('Lease: MicroTime with microseconds, Time with seconds, managedFields as JSON', () => {
    const when = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;
    const decoded = decodeKubeProtobuf(body('coordination.k8s.io/v1', 'Lease',
      msg(1, str(1, 'leader'), str(3, 'kube-system'), msg(8, num(1, when)),
        msg(17, str(1, 'ctrl'), str(2, 'Update'), str(3, 'coordination.k8s.io/v1'), msg(4, num(1, when)),
          str(6, 'FieldsV1'), msg(7, bytes(1, Buffer.from('{"f:spec":{}}'))))),
      msg(2, str(1, 'pod-a'), num(2, 15), msg(4, num(1, when), num(2, 123456789)), num(5, 0))));
    assert.deepEqual(decoded.object, {
      kind: 'Lease', apiVersion: 'coordination.k8s.io/v1',
      metadata: {
        name: 'leader', namespace: 'kube-system', creationTimestamp: '2026-01-02T03:04:05Z',
        managedFields: [{
          manager: 'ctrl', operation: 'Update', apiVersion: 'coordination.k8s.io/v1', time: '2026-01-02T03:04:05Z',
          fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} },
        }],
      },
      spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: '2026-01-02T03:04:05.123456Z', leaseTransitions: 0 },
    });
  });

  test('DeleteOptions is accepted under the apiVersion of the resource being deleted', () => {
    const decoded = decodeKubeProtobuf(body('apps/v1', 'DeleteOptions', num(1, 30), str(4, 'Background'), str(5, 'All')));
    assert.deepEqual(decoded.object, {
      kind: 'DeleteOptions', apiVersion: 'apps/v1', gracePeriodSeconds: 30, propagationPolicy: 'Background', dryRun: ['All'],
    });
  });

  test('an unset pointer without omitempty is null, a packed repeated int64 is read', () => {
    // ClusterRole with aggregationRule and no rules: Go sends "rules": null.
    const role = decodeKubeProtobuf(body('rbac.authorization.k8s.io/v1', 'ClusterRole',
      msg(1, str(1, 'agg')), msg(3, msg(1))));
    assert.deepEqual(role.object, {
      kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'agg' }, rules: null,
      aggregationRule: { clusterRoleSelectors: [{}] },
    });
    const pod = decodeKubeProtobuf(body('v1', 'Pod',
      msg(2, msg(2, str(1, 'c')), msg(14, bytes(4, Buffer.concat([varint(1000n), varint(2000n)]))))));
    assert.deepEqual(pod.object, {
      kind: 'Pod', apiVersion: 'v1',
      spec: { containers: [{ name: 'c' }], securityContext: { supplementalGroups: [1000, 2000] } },
    });
  });
});

describe('decodeKubeProtobuf refuses what it cannot decode faithfully', () => {
  test('a body without the k8s\\0 prefix', () => {
    assertBadRequest(() => decodeKubeProtobuf(Buffer.from('{"kind":"Namespace"}')), /k8s\\x00/);
  });

  test('a kind it has no schema for, named with its version', () => {
    assertBadRequest(() => decodeKubeProtobuf(body('apps/v1', 'StatefulSet', msg(1, str(1, 'x')))),
      /no kind "StatefulSet" is registered for version "apps\/v1"/);
    assertBadRequest(() => decodeKubeProtobuf(body('', '', Buffer.alloc(0))), /Kind.*missing/);
  });

  test('an unknown field number, naming the message and the number', () => {
    assertBadRequest(() => decodeKubeProtobuf(body('v1', 'Namespace', msg(1, str(1, 'a')), str(9, 'x'))),
      /unknown field number 9 in message k8s\.io\.api\.core\.v1\.Namespace/);
    // Container.volumeDevices (21) is deep inside a Deployment and not supported.
    assertBadRequest(() => decodeKubeProtobuf(body('apps/v1', 'Deployment',
      msg(2, msg(3, msg(2, msg(2, str(1, 'c'), msg(21, str(1, 'dev')))))))),
    /unknown field number 21 in message k8s\.io\.api\.core\.v1\.Container/);
  });

  test('truncated bodies and wrong wire types', () => {
    const full = fixture('deployment.pb');
    for (const cut of [5, 20, full.length - 1]) {
      assertBadRequest(() => decodeKubeProtobuf(full.subarray(0, cut)), /protobuf body/);
    }
    assertBadRequest(() => decodeKubeProtobuf(body('v1', 'Namespace', num(1, 7))), /wire type 0, expected 2/);
  });

  test('an envelope with a content encoding it does not support', () => {
    const envelope = Buffer.concat([msg(1, str(1, 'v1'), str(2, 'Namespace')), bytes(2, Buffer.alloc(0)), str(3, 'gzip')]);
    assertBadRequest(() => decodeKubeProtobuf(Buffer.concat([Buffer.from('k8s\0', 'latin1'), envelope])),
      /contentEncoding "gzip"/);
  });
});
