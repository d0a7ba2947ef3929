import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, since } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration keeps two or three significant figures, as kubectl\'s AGE column', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'], [5 * S, '5s'], [119 * S + 999, '119s'], [2 * M, '2m'], [3 * M + 12 * S, '3m12s'],
    [9 * M + 59 * S, '9m59s'], [10 * M + 30 * S, '10m'], [179 * M, '179m'], [3 * H, '3h'], [7 * H + 59 * M, '7h59m'],
    [8 * H + 30 * M, '8h'], [47 * H, '47h'], [2 * D, '2d'], [2 * D + 3 * H, '2d3h'], [8 * D + 5 * H, '8d'],
    [729 * D, '729d'], [800 * D, '2y70d'], [3 * 365 * D, '3y'], [9 * 365 * D + 40 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('clock skew of up to two seconds reads as now; more is invalid', () => {
  assert.equal(humanDuration(-1500), '0s');
  assert.equal(humanDuration(-3 * S), '<invalid>');
});

test('since() reads RFC 3339 timestamps and calls a missing one unknown', () => {
  const now = Date.parse('2025-01-10T12:00:00Z');
  assert.equal(since('2025-01-10T11:55:00Z', now), '5m');
  assert.equal(since(undefined, now), '<unknown>');
  assert.equal(since('', now), '<unknown>');
});
