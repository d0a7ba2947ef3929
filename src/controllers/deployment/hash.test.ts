// The pod-template-hash as a pure function: stable, sensitive to the template and the collision count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHash, safeEncodeString } from './hash.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } };

test('one template, one hash; key order, nulls and empty collections do not matter', () => {
  const h = computeHash(template);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(computeHash(structuredClone(template)), h);
  const reordered = { spec: { containers: [{ image: 'busybox:1.36', name: 'app' }] }, metadata: { creationTimestamp: null, labels: { app: 'web' }, annotations: {} } };
  assert.equal(computeHash(reordered as never), h);
});

test('a different template or collision count gives a different hash', () => {
  const h = computeHash(template);
  const other = structuredClone(template);
  other.spec.containers[0]!.image = 'busybox:1.37';
  assert.notEqual(computeHash(other), h);
  assert.notEqual(computeHash(template, 0), h);
  assert.notEqual(computeHash(template, 1), computeHash(template, 0));
});

test('SafeEncodeString maps decimal digits as kube does', () => {
  // '0'..'9' are bytes 48..57: 48 % 27 = 21 → '4', …, 54 % 27 = 0 → 'b', …, 57 % 27 = 3 → 'f'.
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});
