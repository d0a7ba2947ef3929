import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configMapStrategy, secretStrategy } from './core-config.js';
import { create, meta, update, withValue } from './test-harness.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('ConfigMap', () => {
  test('valid keys pass; bad keys and data/binaryData overlap fail', () => {
    assert.deepEqual(create(configMapStrategy, { metadata: meta('c'), data: { 'app.conf': 'x', KEY_1: 'y' } }).errs, []);
    const { fields, errs } = create(configMapStrategy, { metadata: meta('c'), data: { 'a b': 'x', dup: 'y' }, binaryData: { dup: b64('z') } });
    assert.deepEqual(fields, ['data[a b]', 'data[dup]']);
    assert.match(errs[0]?.message ?? '', /a valid config key must consist of alphanumeric characters/);
  });

  test('more than 1 MiB is refused', () => {
    const { errs } = create(configMapStrategy, { metadata: meta('c'), data: { big: 'x'.repeat(1024 * 1024 + 1) } });
    assert.deepEqual(errs.map((e) => e.type), ['FieldValueTooLong']);
  });

  test('immutable config maps keep their data', () => {
    const stored = create(configMapStrategy, { metadata: meta('c'), data: { a: '1' }, immutable: true }).obj;
    const { fields } = update(configMapStrategy, stored, withValue(stored, 'data', { a: '2' }));
    assert.deepEqual(fields, ['data']);
    assert.deepEqual(update(configMapStrategy, stored, withValue(stored, 'metadata.labels', { x: 'y' })).errs, []);
    assert.deepEqual(update(configMapStrategy, stored, withValue(stored, 'immutable', false)).fields, ['immutable']);
  });
});

describe('Secret', () => {
  test('type defaults to Opaque and stringData folds into data', () => {
    const { obj, errs } = create(secretStrategy, { metadata: meta('s'), data: { a: b64('1') }, stringData: { b: 'two', a: 'one' } });
    assert.deepEqual(errs, []);
    assert.equal(obj.type, 'Opaque');
    assert.deepEqual(obj.data, { a: b64('one'), b: b64('two') });
    assert.equal(obj.stringData, undefined);
  });

  test('data must be base64', () => {
    assert.deepEqual(create(secretStrategy, { metadata: meta('s'), data: { a: 'not base64!' } }).fields, ['data[a]']);
  });

  test('typed secrets need their keys', () => {
    const tls = create(secretStrategy, { metadata: meta('s'), type: 'kubernetes.io/tls', data: { 'tls.crt': b64('c') } });
    assert.deepEqual(tls.fields, ['data[tls.key]']);
    const token = create(secretStrategy, { metadata: meta('s'), type: 'kubernetes.io/service-account-token' });
    assert.deepEqual(token.fields, ['metadata.annotations[kubernetes.io/service-account.name]']);
    const docker = create(secretStrategy, { metadata: meta('s'), type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64('{nope') } });
    assert.deepEqual(docker.fields, ['data[.dockerconfigjson]']);
  });

  test('type is immutable', () => {
    const stored = create(secretStrategy, { metadata: meta('s'), data: { a: b64('1') } }).obj;
    const { errs } = update(secretStrategy, stored, withValue(stored, 'type', 'kubernetes.io/basic-auth'));
    assert.equal(errs.find((e) => e.field === 'type')?.message, 'Invalid value: "kubernetes.io/basic-auth": field is immutable');
  });
});
