import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applySchemaDefaults } from './defaults.js';
import { cronTab } from './crontab-fixture.js';
import type { Schema } from './types.js';

/** The CronTab schema of the docs' defaulting example: cronSpec and image defaulted, replicas too. */
const schema: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        cronSpec: { type: 'string', default: '5 0 * * *' },
        image: { type: 'string' },
        replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
        options: {
          type: 'object',
          properties: { retries: { type: 'integer', default: 3 }, label: { type: 'string', nullable: true, default: 'x' } },
        },
        containers: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, pull: { type: 'string', default: 'IfNotPresent' } } },
        },
        env: { type: 'object', additionalProperties: { type: 'object', properties: { value: { type: 'string', default: '' } } } },
      },
    },
  },
};

describe('applySchemaDefaults', () => {
  test('missing fields get their defaults; given values stay', () => {
    const obj = cronTab({ image: 'my-awesome-cron-image', replicas: 3 });
    applySchemaDefaults(obj, schema);
    assert.deepEqual(obj.spec, { image: 'my-awesome-cron-image', replicas: 3, cronSpec: '5 0 * * *' });
  });

  test('a defaulted object receives its own fields\' defaults', () => {
    const obj: Record<string, unknown> = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a' } };
    applySchemaDefaults(obj, schema);
    assert.deepEqual(obj.spec, { cronSpec: '5 0 * * *', replicas: 1 });
  });

  test('defaults reach array items and additionalProperties values', () => {
    const obj = cronTab({ containers: [{ name: 'a' }, { name: 'b', pull: 'Always' }], env: { HOME: {} } });
    applySchemaDefaults(obj, schema);
    const spec = obj.spec as Record<string, unknown>;
    assert.deepEqual(spec.containers, [{ name: 'a', pull: 'IfNotPresent' }, { name: 'b', pull: 'Always' }]);
    assert.deepEqual(spec.env, { HOME: { value: '' } });
  });

  test('a null where null is not allowed is defaulted, or dropped when there is no default', () => {
    const obj = cronTab({ cronSpec: null, image: null, options: { retries: null, label: null } });
    applySchemaDefaults(obj, schema);
    // label is nullable, so its null is a value and stays.
    assert.deepEqual(obj.spec, { cronSpec: '5 0 * * *', options: { retries: 3, label: null }, replicas: 1 });
  });

  test('defaults are copies: changing one object does not change the schema', () => {
    const b: Record<string, unknown> = { metadata: {} };
    applySchemaDefaults(b, schema);
    (b.spec as Record<string, unknown>).cronSpec = 'changed';
    const c: Record<string, unknown> = { metadata: {} };
    applySchemaDefaults(c, schema);
    assert.equal((c.spec as Record<string, unknown>).cronSpec, '5 0 * * *');
  });

  test('metadata at the root is never touched', () => {
    const s: Schema = { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', default: 'x' } } } } };
    const obj: Record<string, unknown> = { metadata: { namespace: 'default' } };
    applySchemaDefaults(obj, s);
    assert.deepEqual(obj.metadata, { namespace: 'default' });
  });
});
