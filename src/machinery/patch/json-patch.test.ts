// Expected results were checked against `kubectl patch --local --type json` (evanphx/json-patch,
// the library kube-apiserver uses).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isStatusError, type StatusError } from '../errors.js';
import { applyJsonPatch, applyJsonPatchDetailed, JsonPatchFailure, MAX_JSON_PATCH_OPERATIONS } from './index.js';

const doc = () => ({ metadata: { name: 'c', labels: { a: '1' }, resourceVersion: '5' }, data: { k: 'v', j: 'w' } });

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (isStatusError(e)) return e;
    throw e;
  }
  assert.fail('no error');
}

describe('applyJsonPatch', () => {
  test('add, remove, replace, move, copy, test', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'test', path: '/metadata/resourceVersion', value: '5' },
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'remove', path: '/data/j' },
      { op: 'replace', path: '/data/k', value: 'z' },
      { op: 'move', from: '/data/k', path: '/data/m' },
      { op: 'copy', from: '/metadata/labels/a', path: '/data/a' },
      { op: 'add', path: '/metadata/finalizers', value: ['a'] },
      { op: 'add', path: '/metadata/finalizers/-', value: 'b' },
      { op: 'add', path: '/metadata/finalizers/0', value: 'c' },
    ]);
    assert.deepEqual(out, { metadata: { name: 'c', labels: { a: '1', b: '2' }, resourceVersion: '5', finalizers: ['c', 'a', 'b'] }, data: { m: 'z', a: '1' } });
  });

  test('the input document and operations are not changed', () => {
    const d = doc();
    const ops = [{ op: 'add', path: '/data/list', value: [1] }, { op: 'add', path: '/data/list/-', value: 2 }];
    const out = applyJsonPatch(d, ops);
    assert.deepEqual(d, doc());
    assert.deepEqual(ops[0]?.value, [1]);
    assert.deepEqual((out.data as Record<string, unknown>).list, [1, 2]);
  });

  test('a failed test is 422 with kube\'s generic message', () => {
    const e = statusOf(() => applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/resourceVersion', value: '4' }, { op: 'remove', path: '/data/k' }]));
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, 'the server rejected our request due to an error in our request');
  });

  test('missing paths and bad operations are 422 too', () => {
    for (const op of [
      { op: 'remove', path: '/data/missing' },
      { op: 'add', path: '/nope/x', value: 1 },
      { op: 'replace', path: '/data/list/3', value: 1 },
      { op: 'bogus', path: '/data/k' },
      { op: 'test', path: '/nope/deeper', value: null },
      { op: 'move', from: '/data/missing', path: '/data/x' },
    ]) {
      assert.equal(statusOf(() => applyJsonPatch(doc(), [op])).code, 422, JSON.stringify(op));
    }
  });

  test('evanphx/json-patch v4 leniencies kube clients rely on', () => {
    // replace of an absent object member adds it
    assert.equal((applyJsonPatch(doc(), [{ op: 'replace', path: '/data/new', value: 'x' }]).data as Record<string, unknown>).new, 'x');
    // a missing value is null
    assert.equal((applyJsonPatch(doc(), [{ op: 'add', path: '/data/x' }]).data as Record<string, unknown>).x, null);
    // testing an absent member against null passes
    assert.deepEqual(applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/uid', value: null }]), doc());
  });

  test('more than 10000 operations is 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/data/k', value: 'v' }));
    const e = statusOf(() => applyJsonPatch(doc(), ops));
    assert.equal(e.code, 413);
    assert.equal(e.message, 'The allowed maximum operations in a JSON patch is 10000, got 10001');
    assert.doesNotThrow(() => applyJsonPatch(doc(), ops.slice(1)));
  });
});

test('applyJsonPatchDetailed names the failing operation', () => {
  assert.throws(() => applyJsonPatchDetailed(doc(), [{ op: 'add', path: '/data/a', value: 1 }, { op: 'remove', path: '/data/missing' }]),
    (e) => e instanceof JsonPatchFailure && e.index === 1 && e.message.startsWith('operation 1 (remove /data/missing): '));
  assert.throws(() => applyJsonPatchDetailed(doc(), ['x']), (e) => e instanceof JsonPatchFailure && e.index === 0);
});
