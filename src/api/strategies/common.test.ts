import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NameValidator } from './common.js';
import {
  bumpGeneration, defineStrategy, intOrPercentErrors, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment, validateObjectMeta,
  validateObjectMetaUpdate,
} from './common.js';

const check = (metadata: Record<string, unknown>, namespaced = true, name: NameValidator | undefined = nameIsDNSSubdomain) =>
  validateObjectMeta({ metadata }, namespaced, name);

describe('ObjectMeta', () => {
  test('a good name in a namespace passes', () => {
    assert.deepEqual(check({ name: 'web.v1', namespace: 'default', labels: { app: 'web' }, annotations: { 'example.com/x': 'y' } }), []);
  });

  test('name or generateName is required', () => {
    const errs = check({ namespace: 'default' });
    assert.deepEqual(errs.map((e) => [e.field, e.message]), [['metadata.name', 'Required value: name or generateName is required']]);
    assert.deepEqual(check({ generateName: 'web-', namespace: 'default' }), []);
  });

  test('name format follows the kind', () => {
    const [e] = check({ name: 'Web', namespace: 'default' });
    assert.equal(e?.field, 'metadata.name');
    assert.match(e?.message ?? '', /^Invalid value: "Web": a lowercase RFC 1123 subdomain/);
    assert.equal(check({ name: 'a.b' }, false, nameIsDNSLabel).length, 1);
    assert.deepEqual(check({ name: 'system:admin' }, false, nameIsPathSegment), []);
    assert.equal(check({ name: 'a/b' }, false, nameIsPathSegment)[0]?.message, 'Invalid value: "a/b": may not contain \'/\'');
  });

  test('namespace required for namespaced kinds, forbidden for cluster ones', () => {
    assert.deepEqual(check({ name: 'a' }).map((e) => e.field), ['metadata.namespace']);
    const [e] = check({ name: 'a', namespace: 'x' }, false);
    assert.equal(e?.type, 'FieldValueForbidden');
  });

  test('annotations are limited to 256 KiB in total', () => {
    const errs = check({ name: 'a', namespace: 'd', annotations: { big: 'x'.repeat(256 * 1024) } });
    assert.deepEqual(errs.map((e) => [e.field, e.type]), [['metadata.annotations', 'FieldValueTooLong']]);
  });

  test('bad annotation keys and two controllers are refused', () => {
    const errs = check({
      name: 'a', namespace: 'd', annotations: { 'a b': 'c' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true }, { apiVersion: 'v1', kind: 'A', name: 'b', uid: '2', controller: true }],
    });
    assert.deepEqual(errs.map((e) => e.field), ['metadata.annotations', 'metadata.ownerReferences']);
  });

  test('on update name, namespace, uid and creationTimestamp are immutable', () => {
    const old = { name: 'a', namespace: 'd', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', generation: 3 };
    const errs = validateObjectMetaUpdate({ metadata: { name: 'b', namespace: 'e', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z', generation: 2 } }, { metadata: old }, true);
    assert.deepEqual(errs.map((e) => e.field), ['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.creationTimestamp', 'metadata.generation']);
    assert.equal(errs[0]?.message, 'Invalid value: "b": field is immutable');
    assert.deepEqual(validateObjectMetaUpdate({ metadata: { name: 'a', namespace: 'd', labels: { x: 'y' } } }, { metadata: old }, true), []);
    assert.deepEqual(validateObjectMetaUpdate({ metadata: { name: 'a', namespace: 'd', labels: { x: 'y z' } } }, { metadata: old }, true).map((e) => e.field), ['metadata.labels']);
  });
});

describe('helpers', () => {
  test('generation moves only when the spec changed', () => {
    const old = { metadata: { generation: 4 }, spec: { replicas: 1 }, status: { x: 1 } };
    const same: { metadata: { generation?: number }; spec: object; status: object } = { metadata: {}, spec: { replicas: 1 }, status: { x: 2 } };
    bumpGeneration(same, old);
    assert.equal(same.metadata.generation, 4);
    const changed: { metadata: { generation?: number }; spec: object } = { metadata: {}, spec: { replicas: 2 } };
    bumpGeneration(changed, old);
    assert.equal(changed.metadata.generation, 5);
  });

  test('int-or-percent values', () => {
    assert.deepEqual(intOrPercentErrors('25%', 'p'), []);
    assert.deepEqual(intOrPercentErrors(3, 'p'), []);
    assert.equal(intOrPercentErrors('25', 'p').length, 1);
    assert.equal(intOrPercentErrors(-1, 'p')[0]?.message, 'Invalid value: -1: must be greater than or equal to 0');
    assert.equal(intOrPercentErrors('150%', 'p', true)[0]?.message, 'Invalid value: "150%": must not be greater than 100%');
  });

  test('defineStrategy checks the kind\'s name format on create, then the kind\'s rules', () => {
    const s = defineStrategy({ nameValidator: nameIsDNSLabel, validate: () => [{ type: 'FieldValueRequired', field: 'spec.x', message: 'Required value' }] });
    assert.deepEqual(s.validateCreate?.({ metadata: { name: 'a.b' } }).map((e) => e.field), ['metadata.name', 'spec.x']);
    assert.deepEqual(s.validateCreate?.({ metadata: { generateName: 'a.b-' } }).map((e) => e.field), ['metadata.generateName', 'spec.x']);
    assert.deepEqual(s.validateCreate?.({ metadata: { generateName: 'web-' } }).map((e) => e.field), ['spec.x']);
    assert.deepEqual(s.validateUpdate?.({ metadata: { name: 'b' } }, { metadata: { name: 'a' } }).map((e) => e.field), ['spec.x']);
  });
});
