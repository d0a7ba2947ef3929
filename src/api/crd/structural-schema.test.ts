import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../machinery/errors.js';
import { validateAgainstSchema } from './structural-schema.js';
import { cronTab, cronTabCRD } from './crontab-fixture.js';
import { versionSchema } from './types.js';
import type { Schema } from './types.js';

function crontabSchema(): Schema {
  const s = versionSchema(cronTabCRD(), 'v1');
  assert.ok(s);
  return s;
}

/** The lines kubectl prints for the errors, in order. */
function check(obj: unknown, schema: Schema): string[] {
  return validateAgainstSchema(obj, schema).map(fieldErrorText);
}

describe('validateAgainstSchema with the CronTab schema', () => {
  test('the documented example object is valid', () => {
    assert.deepEqual(check(cronTab({ cronSpec: '* * * * */5', image: 'my-awesome-cron-image', replicas: 1 }), crontabSchema()), []);
  });

  test('a string where an integer belongs is a type error naming the JSON type', () => {
    assert.deepEqual(check(cronTab({ replicas: 'three' }), crontabSchema()),
      ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']);
  });

  test('a fractional number is not an integer', () => {
    assert.deepEqual(check(cronTab({ replicas: 1.5 }), crontabSchema()),
      ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']);
  });

  test('maximum and minimum', () => {
    assert.deepEqual(check(cronTab({ replicas: 11 }), crontabSchema()),
      ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']);
    assert.deepEqual(check(cronTab({ replicas: 0 }), crontabSchema()),
      ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']);
  });

  test('pattern failure quotes the pattern as written', () => {
    assert.deepEqual(check(cronTab({ cronSpec: 'every minute' }), crontabSchema()),
      [String.raw`spec.cronSpec: Invalid value: "every minute": spec.cronSpec in body should match '^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$'`]);
  });

  test('several errors are all reported, in declaration order', () => {
    assert.deepEqual(check(cronTab({ cronSpec: 5, replicas: 20 }), crontabSchema()), [
      'spec.cronSpec: Invalid value: "integer": spec.cronSpec in body must be of type string: "integer"',
      'spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10',
    ]);
  });

  test('apiVersion, kind and metadata at the root are left to the registry', () => {
    const obj = { apiVersion: 5, kind: [], metadata: { name: 1 }, spec: {} };
    assert.deepEqual(check(obj, crontabSchema()), []);
  });

  test('null is a type error unless nullable', () => {
    assert.deepEqual(check(cronTab({ image: null }), crontabSchema()),
      ['spec.image: Invalid value: "null": spec.image in body must be of type string: "null"']);
    const nullable: Schema = { type: 'object', properties: { spec: { type: 'object', properties: { image: { type: 'string', nullable: true } } } } };
    assert.deepEqual(check(cronTab({ image: null }), nullable), []);
  });
});

describe('validateAgainstSchema keywords', () => {
  const spec = (props: Record<string, unknown>, extra: Record<string, unknown> = {}): Schema =>
    ({ type: 'object', properties: { spec: { type: 'object', properties: props, ...extra } } });

  test('required', () => {
    assert.deepEqual(check(cronTab({}), spec({ name: { type: 'string' } }, { required: ['name'] })), ['spec.name: Required value']);
    const rootRequired: Schema = { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } };
    assert.deepEqual(check({ apiVersion: 'a/v1', kind: 'K', metadata: {} }, rootRequired), ['spec: Required value']);
  });

  test('enum lists the supported values', () => {
    assert.deepEqual(check(cronTab({ color: 'pink' }), spec({ color: { type: 'string', enum: ['red', 'blue'] } })),
      ['spec.color: Unsupported value: "pink": supported values: "red", "blue"']);
  });

  test('string lengths', () => {
    const s = spec({ code: { type: 'string', minLength: 3, maxLength: 5 } });
    assert.deepEqual(check(cronTab({ code: 'ab' }), s), ['spec.code: Invalid value: "ab": spec.code in body should be at least 3 chars long']);
    assert.deepEqual(check(cronTab({ code: 'abcdef' }), s), ['spec.code: Too long: may not be more than 5 bytes']);
    assert.deepEqual(check(cronTab({ code: 'ééé' }), s), []);
  });

  test('exclusive bounds and multipleOf', () => {
    const s = spec({ n: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true, multipleOf: 0.25 } });
    assert.deepEqual(check(cronTab({ n: 0 }), s), ['spec.n: Invalid value: 0: spec.n in body should be greater than 0']);
    assert.deepEqual(check(cronTab({ n: 1 }), s), ['spec.n: Invalid value: 1: spec.n in body should be less than 1']);
    assert.deepEqual(check(cronTab({ n: 0.3 }), s), ['spec.n: Invalid value: 0.3: spec.n in body should be a multiple of 0.25']);
    assert.deepEqual(check(cronTab({ n: 0.5 }), s), []);
  });

  test('arrays: items paths, minItems, maxItems, uniqueItems', () => {
    const s = spec({ ports: { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true, items: { type: 'integer' } } });
    assert.deepEqual(check(cronTab({ ports: [80, 'http'] }), s),
      ['spec.ports[1]: Invalid value: "string": spec.ports[1] in body must be of type integer: "string"']);
    assert.deepEqual(check(cronTab({ ports: [] }), s), ['spec.ports: Invalid value: 0: spec.ports in body should have at least 1 items']);
    assert.deepEqual(check(cronTab({ ports: [1, 2, 3] }), s), ['spec.ports: Too many: 3: must have at most 2 items']);
    assert.deepEqual(check(cronTab({ ports: [1, 1] }), s), ['spec.ports: Invalid value: "": spec.ports in body shouldn\'t contain duplicates']);
  });

  test('properties counts and additionalProperties', () => {
    const labels = spec({ labels: { type: 'object', maxProperties: 2, additionalProperties: { type: 'string' } } });
    assert.deepEqual(check(cronTab({ labels: { a: 'x', b: 1 } }), labels),
      ['spec.labels.b: Invalid value: "integer": spec.labels.b in body must be of type string: "integer"']);
    assert.deepEqual(check(cronTab({ labels: { a: 'x', b: 'y', c: 'z' } }), labels), ['spec.labels: Too many: 3: must have at most 2 items']);
    const closed = spec({ opts: { type: 'object', additionalProperties: false } });
    assert.deepEqual(check(cronTab({ opts: { x: 1 } }), closed), ['spec.opts: Invalid value: "x": spec.opts.x in body is a forbidden property']);
  });

  test('formats kube enforces', () => {
    const s = spec({ at: { type: 'string', format: 'date-time' }, data: { type: 'string', format: 'byte' }, n: { type: 'integer', format: 'int32' } });
    assert.deepEqual(check(cronTab({ at: '2024-02-30T00:00:00Z' }), s),
      ['spec.at: Invalid value: "2024-02-30T00:00:00Z": spec.at in body must be of type date-time: "2024-02-30T00:00:00Z"']);
    assert.deepEqual(check(cronTab({ at: '2024-02-29T10:00:00.5+01:00', data: 'aGVsbG8=' }), s), []);
    assert.deepEqual(check(cronTab({ data: 'not base64!' }), s).length, 1);
    // int32 is documentation only: kube does not range-check it.
    assert.deepEqual(check(cronTab({ n: 2 ** 40 }), s), []);
  });

  test('x-kubernetes-int-or-string accepts both and names both types', () => {
    const s = spec({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } });
    assert.deepEqual(check(cronTab({ port: 8080 }), s), []);
    assert.deepEqual(check(cronTab({ port: 'http' }), s), []);
    assert.ok(check(cronTab({ port: true }), s).includes('spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'));
  });

  test('oneOf and not failures are composite errors without a field', () => {
    const s = spec({}, { oneOf: [{ required: ['a'] }, { required: ['b'] }] });
    assert.deepEqual(check(cronTab({ a: 1, b: 2 }), s),
      ['<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives']);
    assert.deepEqual(check(cronTab({}), s), [
      '<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found none valid',
      'spec.a: Required value',
    ]);
    const not = spec({}, { not: { required: ['legacy'] } });
    assert.deepEqual(check(cronTab({ legacy: true }), not), ['<nil>: Invalid value: "": "spec" must not validate the schema (not)']);
  });

  test('allOf reports the failing branch and the composite', () => {
    const s = spec({}, { allOf: [{ required: ['a'] }, { required: ['b'] }] });
    assert.deepEqual(check(cronTab({ a: 1 }), s), ['spec.b: Required value', '<nil>: Invalid value: "": "spec" must validate all the schemas (allOf)']);
  });

  test('anyOf passes when one branch does', () => {
    const s = spec({}, { anyOf: [{ required: ['a'] }, { required: ['b'] }] });
    assert.deepEqual(check(cronTab({ b: 1 }), s), []);
    assert.equal(check(cronTab({}), s)[0], '<nil>: Invalid value: "": "spec" must validate at least one schema (anyOf)');
  });

  test('embedded resources must name their kind and apiVersion', () => {
    const s = spec({ template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } });
    assert.deepEqual(check(cronTab({ template: { metadata: {} } }), s), [
      'spec.template.kind: Required value: must not be empty',
      'spec.template.apiVersion: Required value: must not be empty',
    ]);
    assert.deepEqual(check(cronTab({ template: { apiVersion: 'v1', kind: 'Pod' } }), s), []);
  });

  test('list-type set and map reject duplicates', () => {
    const s = spec({
      tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      ports: {
        type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
      },
    });
    assert.deepEqual(check(cronTab({ tags: ['a', 'b', 'a'], ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] }), s), [
      'spec.tags[2]: Duplicate value: "a"',
      'spec.ports[1]: Duplicate value: {"name":"http"}',
    ]);
    assert.deepEqual(check(cronTab({ tags: ['a', 'b'], ports: [{ name: 'http' }, { name: 'https' }] }), s), []);
  });

  test('basePath prefixes every field', () => {
    const errs = validateAgainstSchema({ replicas: 'x' }, { type: 'object', properties: { replicas: { type: 'integer' } } }, 'spec');
    assert.deepEqual(errs.map((e) => e.field), ['spec.replicas']);
  });

  test('large bounds print as Go prints a float64', () => {
    const s = spec({ n: { type: 'integer', maximum: 1000000 } });
    assert.deepEqual(check(cronTab({ n: 2000000 }), s), ['spec.n: Invalid value: 2000000: spec.n in body should be less than or equal to 1e+06']);
  });
});
