// The cron evaluator: next start times in UTC and in IANA zones (across DST), and kube's most
// recent missed start time.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { earliestTime, mostRecentScheduleTime, nextScheduleDelayMs, parseSchedule, ScheduleError } from './schedule.js';
import { formatRfc1123zUtc, formatRfc3339In, isKnownTimeZone } from './time-zone.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const nexts = (schedule: string, from: string, n: number, tz?: string) => {
  const s = parseSchedule(schedule, tz);
  const out: string[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) { t = s.next(t); out.push(iso(t)); }
  return out;
};

describe('cron schedule', () => {
  test('steps, ranges, lists and names', () => {
    assert.deepEqual(nexts('*/15 * * * *', '2024-05-01T10:07:00Z', 3), ['2024-05-01T10:15:00Z', '2024-05-01T10:30:00Z', '2024-05-01T10:45:00Z']);
    assert.deepEqual(nexts('*/1 * * * *', '2024-05-01T10:07:30Z', 2), ['2024-05-01T10:08:00Z', '2024-05-01T10:09:00Z']);
    // Friday 2024-05-03 after 9:00 → Monday.
    assert.deepEqual(nexts('0 9 * * MON-FRI', '2024-05-03T10:00:00Z', 2), ['2024-05-06T09:00:00Z', '2024-05-07T09:00:00Z']);
    assert.deepEqual(nexts('30 6-16/4 * * *', '2024-05-01T07:00:00Z', 3), ['2024-05-01T10:30:00Z', '2024-05-01T14:30:00Z', '2024-05-02T06:30:00Z']);
    assert.deepEqual(nexts('0 0 1 jan,jul *', '2024-02-01T00:00:00Z', 2), ['2024-07-01T00:00:00Z', '2025-01-01T00:00:00Z']);
    assert.deepEqual(nexts('0 0 29 2 *', '2024-03-01T00:00:00Z', 1), ['2028-02-29T00:00:00Z']);
  });

  test('descriptors and @every', () => {
    assert.deepEqual(nexts('@hourly', '2024-05-01T10:07:00Z', 2), ['2024-05-01T11:00:00Z', '2024-05-01T12:00:00Z']);
    assert.deepEqual(nexts('@weekly', '2024-05-01T10:07:00Z', 1), ['2024-05-05T00:00:00Z']);
    assert.deepEqual(nexts('@every 90s', '2024-05-01T10:07:00.500Z', 2), ['2024-05-01T10:08:30Z', '2024-05-01T10:10:00Z']);
  });

  test('day of month and day of week: either matches unless one is a star', () => {
    // Friday the 13th style: the 13th OR any Friday.
    assert.deepEqual(nexts('0 0 13 * 5', '2024-09-01T00:00:00Z', 3), ['2024-09-06T00:00:00Z', '2024-09-13T00:00:00Z', '2024-09-20T00:00:00Z']);
    assert.deepEqual(nexts('0 0 * * 5', '2024-09-01T00:00:00Z', 1), ['2024-09-06T00:00:00Z']);
  });

  test('time zones follow daylight saving', () => {
    // 9:00 in New York is 13:00Z in summer (EDT) and 14:00Z in winter (EST).
    assert.deepEqual(nexts('0 9 * * *', '2024-11-02T12:00:00Z', 3, 'America/New_York'),
      ['2024-11-02T13:00:00Z', '2024-11-03T14:00:00Z', '2024-11-04T14:00:00Z']);
    // A wall time that does not exist on the spring-forward day is skipped (as robfig/cron does).
    assert.deepEqual(nexts('30 2 * * *', '2024-03-09T12:00:00Z', 1, 'America/New_York'), ['2024-03-11T06:30:00Z']);
    // Half-hour zones.
    assert.deepEqual(nexts('0 0 * * *', '2024-05-01T00:00:00Z', 1, 'Asia/Kolkata'), ['2024-05-01T18:30:00Z']);
    assert.deepEqual(nexts('0 */6 * * *', '2024-05-01T00:00:00Z', 1, 'Europe/Berlin'), ['2024-05-01T04:00:00Z']);
    assert.equal(isKnownTimeZone('Europe/Berlin'), true);
    assert.equal(isKnownTimeZone('Mars/Olympus'), false);
  });

  test('timestamp formats of the annotation and of MissSchedule', () => {
    assert.equal(formatRfc3339In(at('2024-03-05T10:00:00Z'), 'Europe/Berlin'), '2024-03-05T11:00:00+01:00');
    assert.equal(formatRfc3339In(at('2024-03-05T10:00:00Z'), 'America/St_Johns'), '2024-03-05T06:30:00-03:30');
    assert.equal(formatRfc3339In(at('2024-03-05T10:00:00Z')), '2024-03-05T10:00:00Z');
    assert.equal(formatRfc1123zUtc(at('2024-03-05T10:00:00Z')), 'Tue, 05 Mar 2024 10:00:00 +0000');
  });

  test('most recent unmet start time, and too many missed', () => {
    const s = parseSchedule('*/1 * * * *');
    assert.deepEqual(mostRecentScheduleTime(at('2024-05-01T10:00:30Z'), at('2024-05-01T10:00:50Z'), s), { earliest: at('2024-05-01T10:00:30Z'), missed: 'none' });
    assert.deepEqual(mostRecentScheduleTime(at('2024-05-01T10:00:30Z'), at('2024-05-01T10:01:10Z'), s),
      { earliest: at('2024-05-01T10:00:30Z'), mostRecent: at('2024-05-01T10:01:00Z'), missed: 'few' });
    assert.equal(mostRecentScheduleTime(at('2024-05-01T10:00:30Z'), at('2024-05-01T10:05:10Z'), s).mostRecent, at('2024-05-01T10:05:00Z'));
    const late = mostRecentScheduleTime(at('2024-05-01T10:00:00Z'), at('2024-05-01T13:00:10Z'), s);
    assert.deepEqual([late.missed, iso(late.mostRecent ?? 0)], ['many', '2024-05-01T13:00:00Z']);
    const weekdays = parseSchedule('0 9 * * 1-5');
    assert.equal(iso(mostRecentScheduleTime(at('2024-05-03T09:00:00Z'), at('2024-05-14T10:00:00Z'), weekdays).mostRecent ?? 0), '2024-05-14T09:00:00Z');
    assert.throws(() => mostRecentScheduleTime(at('2024-05-01T00:00:00Z'), at('2024-05-02T00:00:00Z'), parseSchedule('59 23 31 2 *')), ScheduleError);
  });

  test('startingDeadlineSeconds bounds how far back start times are looked for; requeue lands after the next start', () => {
    const inputs = { creationMs: at('2024-05-01T10:00:00Z'), startingDeadlineSeconds: 30 };
    const now = at('2024-05-01T12:00:45Z');
    assert.equal(earliestTime(inputs, now, true), at('2024-05-01T12:00:15Z'));
    assert.equal(earliestTime(inputs, now, false), at('2024-05-01T10:00:00Z'));
    assert.equal(nextScheduleDelayMs({ creationMs: at('2024-05-01T10:00:00Z') }, at('2024-05-01T10:00:10Z'), parseSchedule('*/1 * * * *')), 50_100);
    assert.equal(nextScheduleDelayMs({ creationMs: 0 }, 0, parseSchedule('59 23 31 2 *')), undefined);
  });

  test('unparseable schedules throw with robfig\'s message', () => {
    assert.throws(() => parseSchedule('* * *'), /expected exactly 5 fields/);
  });
});
