import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileJsonPath, jsonPathText, JsonPathError } from './jsonpath.js';

const obj = {
  metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'db' } },
  spec: { replicas: 3, ratio: 0.5, paused: false, tags: ['a', 'b', 'c'] },
  status: { conditions: [{ type: 'Available', status: 'True' }, { type: 'Ready', status: 'False', reason: 'Booting' }] },
};

describe('jsonpath subset', () => {
  test('fields, indexes, quoted keys, wildcards and filters', () => {
    assert.deepEqual(compileJsonPath('.spec.replicas')(obj), [3]);
    assert.deepEqual(compileJsonPath('{.spec.tags[1]}')(obj), ['b']);
    assert.deepEqual(compileJsonPath('.spec.tags[-1]')(obj), ['c']);
    assert.deepEqual(compileJsonPath(".metadata.labels['app.kubernetes.io/name']")(obj), ['db']);
    assert.deepEqual(compileJsonPath('.status.conditions[*].type')(obj), ['Available', 'Ready']);
    assert.deepEqual(compileJsonPath('.status.conditions[?(@.type=="Ready")].reason')(obj), ['Booting']);
    assert.deepEqual(compileJsonPath(".status.conditions[?(@.type != 'Ready')].status")(obj), ['True']);
    assert.deepEqual(compileJsonPath('.status.conditions[?(@.reason)].type')(obj), ['Ready']);
    assert.deepEqual(compileJsonPath('.items[?(@.tags[0]=="x]")].n')({ items: [{ tags: ['x]'], n: 1 }, { tags: ['y'], n: 2 }] }), [1]);
  });

  test('missing keys select nothing rather than failing', () => {
    assert.deepEqual(compileJsonPath('.spec.missing.deeper')(obj), []);
    assert.deepEqual(compileJsonPath('.spec.tags[7]')(obj), []);
    assert.deepEqual(compileJsonPath('.spec.replicas.x')(obj), []);
  });

  test('what it cannot read is an error', () => {
    assert.throws(() => compileJsonPath('spec.replicas'), JsonPathError);
    assert.throws(() => compileJsonPath('..name'), JsonPathError);
    assert.throws(() => compileJsonPath('.spec.tags[1:2]'), JsonPathError);
    assert.throws(() => compileJsonPath('.spec.tags[0'), JsonPathError);
  });

  test('text of values as kubectl prints them', () => {
    assert.equal(jsonPathText('plain'), 'plain');
    assert.equal(jsonPathText(3), '3');
    assert.equal(jsonPathText(1000000), '1000000');
    assert.equal(jsonPathText(0.5), '0.5');
    assert.equal(jsonPathText(1234567.5), '1.2345675e+06');
    assert.equal(jsonPathText(0.00001), '1e-05');
    assert.equal(jsonPathText(false), 'false');
    assert.equal(jsonPathText({ b: 1, a: [true, null] }), '{"a":[true,null],"b":1}');
    assert.equal(jsonPathText(null), undefined);
  });
});
