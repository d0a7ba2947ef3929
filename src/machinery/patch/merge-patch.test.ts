// Expected results were checked against `kubectl patch --local --type merge` (evanphx/json-patch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from './index.js';

const doc = () => ({ metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { k: 'v' }, list: [1, 2, 3] });

test('null deletes, objects merge, arrays replace', () => {
  const out = applyMergePatch(doc(), { metadata: { labels: { a: null, c: '3' } }, list: [9], data: null });
  assert.deepEqual(out, { metadata: { name: 'c', labels: { b: '2', c: '3' } }, list: [9] });
});

test('an added object drops its null members, also inside arrays of objects', () => {
  assert.deepEqual(applyMergePatch(doc(), { data: { n: { a: null, b: 1 } } }).data, { k: 'v', n: { b: 1 } });
  assert.deepEqual(applyMergePatch<Record<string, unknown>>(doc(), { spec: { items: [{ x: null, y: 1 }, null] } }).spec, { items: [{ y: 1 }, null] });
});

test('a scalar replaced by an object, and an object by an array', () => {
  assert.deepEqual(applyMergePatch(doc(), { data: { k: { x: null, y: 1 } } }).data, { k: { y: 1 } });
  // replacing an object, the array is taken as sent (evanphx does not prune it)
  assert.deepEqual(applyMergePatch(doc(), { metadata: { labels: [{ a: null }] } }).metadata, { name: 'c', labels: [{ a: null }] });
});

test('the inputs are not changed', () => {
  const d = doc();
  const p = { metadata: { labels: { a: null } } };
  applyMergePatch(d, p);
  assert.deepEqual(d, doc());
  assert.deepEqual(p, { metadata: { labels: { a: null } } });
});

test('a non-object patch replaces the document (RFC 7386)', () => {
  assert.deepEqual(applyMergePatch(doc(), [1]), [1]);
  assert.deepEqual(applyMergePatch(doc(), {}), doc());
});
