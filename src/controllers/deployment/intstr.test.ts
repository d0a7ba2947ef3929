// maxSurge / maxUnavailable resolution as pure functions (kube's ResolveFenceposts rounding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from './intstr.js';
import type { Deployment } from './types.js';

const rolling = (replicas: number, surge: number | string, unavailable: number | string): Deployment =>
  ({ spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } } });

test('percentages: surge rounds up, unavailability rounds down', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), [1, 0]);
  assert.deepEqual(resolveFenceposts('50%', '20%', 6), [3, 1]);
  assert.deepEqual(resolveFenceposts('10%', '10%', 10), [1, 1]);
  assert.equal(scaledValue('33%', 10, true), 4);
  assert.equal(scaledValue('33%', 10, false), 3);
  assert.throws(() => scaledValue('5', 10, true), /not a percentage/);
});

test('both resolving to zero makes unavailability 1; unavailability never exceeds replicas', () => {
  assert.deepEqual(resolveFenceposts(0, '10%', 5), [0, 1]);
  assert.equal(maxUnavailable(rolling(2, 0, 5)), 2);
  assert.equal(maxUnavailable(rolling(0, 1, 1)), 0);
  assert.equal(maxSurge(rolling(4, '25%', 0)), 1);
});

test('Recreate has neither', () => {
  const d: Deployment = { spec: { replicas: 3, strategy: { type: 'Recreate' } } };
  assert.equal(maxSurge(d), 0);
  assert.equal(maxUnavailable(d), 0);
});
