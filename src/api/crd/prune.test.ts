import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneBySchema, unknownFieldMessage } from './prune.js';
import { cronTab, cronTabCRD } from './crontab-fixture.js';
import { versionSchema } from './types.js';
import type { Schema } from './types.js';

function crontabSchema(): Schema {
  const s = versionSchema(cronTabCRD(), 'v1');
  assert.ok(s);
  return s;
}

describe('pruneBySchema', () => {
  test('drops undeclared fields of the CronTab and reports their paths', () => {
    const obj = cronTab({ cronSpec: '* * * * */5', image: 'img', someRandomField: 42 });
    obj.status = { phase: 'x' };
    const pruned = pruneBySchema(obj, crontabSchema());
    assert.deepEqual(pruned, ['spec.someRandomField', 'status']);
    assert.deepEqual(obj.spec, { cronSpec: '* * * * */5', image: 'img' });
    assert.equal('status' in obj, false);
    assert.equal(unknownFieldMessage(pruned[0] ?? ''), 'unknown field "spec.someRandomField"');
  });

  test('keeps apiVersion, kind and metadata at the root', () => {
    const obj = cronTab({});
    pruneBySchema(obj, crontabSchema());
    assert.equal(obj.apiVersion, 'stable.example.com/v1');
    assert.equal(obj.kind, 'CronTab');
    assert.deepEqual(obj.metadata, { name: 'my-new-cron-object', namespace: 'default' });
  });

  test('an object declared without properties loses all its fields', () => {
    const s: Schema = { type: 'object', properties: { spec: { type: 'object' } } };
    const obj = cronTab({ a: 1, b: { c: 2 } });
    assert.deepEqual(pruneBySchema(obj, s), ['spec.a', 'spec.b']);
    assert.deepEqual(obj.spec, {});
  });

  test('x-kubernetes-preserve-unknown-fields keeps unknown fields but prunes inside declared ones', () => {
    const s: Schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object', 'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      },
    };
    const obj = cronTab({ anything: { deep: 1 }, known: { a: 'x', b: 'y' } });
    assert.deepEqual(pruneBySchema(obj, s), ['spec.known.b']);
    assert.deepEqual(obj.spec, { anything: { deep: 1 }, known: { a: 'x' } });
  });

  test('additionalProperties keeps every key and prunes values by its schema', () => {
    const s: Schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            byName: { type: 'object', additionalProperties: { type: 'object', properties: { port: { type: 'integer' } } } },
            free: { type: 'object', additionalProperties: true },
          },
        },
      },
    };
    const obj = cronTab({ byName: { web: { port: 80, extra: 1 } }, free: { x: { y: 1 } } });
    assert.deepEqual(pruneBySchema(obj, s), ['spec.byName.web.extra']);
    assert.deepEqual(obj.spec, { byName: { web: { port: 80 } }, free: { x: { y: 1 } } });
  });

  test('array items are pruned with index paths', () => {
    const s: Schema = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { list: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } } } } },
    };
    const obj = cronTab({ list: [{ a: 'x', z: 1 }, { a: 'y' }, { z: 2 }] });
    assert.deepEqual(pruneBySchema(obj, s), ['spec.list[0].z', 'spec.list[2].z']);
    assert.deepEqual(obj.spec, { list: [{ a: 'x' }, { a: 'y' }, {}] });
  });

  test('embedded resources keep their apiVersion, kind and metadata', () => {
    const s: Schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: {} } } } },
        },
      },
    };
    const obj = cronTab({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 1 }, other: 2 } });
    assert.deepEqual(pruneBySchema(obj, s), ['spec.template.spec.x', 'spec.template.other']);
    assert.deepEqual(obj.spec, { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } });
  });
});
