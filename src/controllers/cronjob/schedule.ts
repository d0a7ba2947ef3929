// When a CronJob runs: next(t) over the schedule the API server validated (parseCronSchedule,
// robfig/cron's standard syntax) in the CronJob's time zone, and kube's rules for the most recent
// missed start time (pkg/controller/cronjob/utils.go mostRecentScheduleTime, nextScheduleTime).
import { parseCronSchedule, type CronFields } from '../../api/strategies/cron.js';
import { instantOf, wallTime, type WallTime } from './time-zone.js';

export interface Schedule {
  /** The first start time strictly after `afterMs` (whole minutes; @every: whole seconds); Infinity if none within 5 years. */
  next(afterMs: number): number;
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const MINUTE = 60_000;
const SEARCH_LIMIT_MS = 5 * 366 * 24 * 3600_000;

function dayMatches(f: CronFields, w: WallTime): boolean {
  const dom = f.daysOfMonth.has(w.day);
  const dow = f.daysOfWeek.has(w.weekday);
  // robfig: with a star in either day field both must match; otherwise either may.
  return f.domStar || f.dowStar ? dom && dow : dom || dow;
}

function nextInSet(set: ReadonlySet<number>, from: number, max: number): number | undefined {
  for (let v = from; v <= max; v++) if (set.has(v)) return v;
  return undefined;
}

class FieldSchedule implements Schedule {
  constructor(private readonly f: CronFields, private readonly tz: string | undefined) {}

  next(afterMs: number): number {
    const { f, tz } = this;
    let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
    const limit = t + SEARCH_LIMIT_MS;
    while (t <= limit) {
      const w = wallTime(t, tz);
      let jump: number;
      if (!f.months.has(w.month)) jump = instantOf(tz, w.year, w.month + 1, 1, 0, 0);
      else if (!dayMatches(f, w)) jump = instantOf(tz, w.year, w.month, w.day + 1, 0, 0);
      else if (!f.hours.has(w.hour)) jump = t + (60 - w.minute) * MINUTE;
      else if (!f.minutes.has(w.minute)) {
        const m = nextInSet(f.minutes, w.minute + 1, 59);
        jump = t + ((m ?? 60) - w.minute) * MINUTE;
      } else {
        return t;
      }
      // Whatever a DST change does to wall-clock arithmetic, time moves forward.
      t = Math.max(jump, t + MINUTE);
    }
    return Infinity;
  }
}

/** robfig ConstantDelaySchedule: whole seconds, at least one. */
class EverySchedule implements Schedule {
  private readonly delayMs: number;
  constructor(seconds: number) { this.delayMs = Math.max(1, Math.floor(seconds)) * 1000; }
  next(afterMs: number): number { return Math.floor(afterMs / 1000) * 1000 + this.delayMs; }
}

/** Throws ScheduleError with robfig's message when the schedule does not parse. */
export function parseSchedule(schedule: string, timeZone?: string | null): Schedule {
  const p = parseCronSchedule(schedule);
  if (!p.ok) throw new ScheduleError(p.error);
  if (p.everySeconds !== undefined) return new EverySchedule(p.everySeconds);
  return new FieldSchedule(p.fields, timeZone ?? undefined);
}

/** kube's missedSchedules: how many start times were missed since the earliest time considered. */
export type Missed = 'none' | 'few' | 'many';

export interface MostRecent {
  /** The time counting starts from: lastScheduleTime or creation, and not before now - startingDeadlineSeconds. */
  earliest: number;
  /** The latest start time not after now, if any since `earliest`. */
  mostRecent?: number;
  missed: Missed;
}

/** More than this many missed start times is "too many" (kube's arbitrary 100). */
const TOO_MANY_MISSED = 100;

/**
 * The most recent start time in (earliest, now] without listing every missed one: count how many
 * intervals fit, jump close to now, then step (kube mostRecentScheduleTime).
 */
export function mostRecentScheduleTime(earliest: number, now: number, sched: Schedule): MostRecent {
  const t1 = sched.next(earliest);
  const t2 = sched.next(t1);
  // e.g. "59 23 31 2 *" never runs (robfig returns the zero time, and kube then finds no interval).
  if (!Number.isFinite(t1)) throw new ScheduleError('time difference between two schedules is less than 1 second');
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'few' };
  const between = Math.round((t2 - t1) / 1000);
  if (!(between >= 1) || !Number.isFinite(t2)) throw new ScheduleError('time difference between two schedules is less than 1 second');
  const elapsed = Math.floor((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Step back one more interval so irregular schedules (30 6-16/4 * * 1-5) are still found.
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = sched.next(potentialEarliest); t <= now; t = sched.next(t)) mostRecent = t;
  if (mostRecent === undefined) return { earliest, missed: 'none' };
  return { earliest, mostRecent, missed: missedCount > TOO_MANY_MISSED ? 'many' : 'few' };
}

export interface ScheduleInputs {
  creationMs: number;
  lastScheduleMs?: number;
  startingDeadlineSeconds?: number | null;
}

/** Where counting starts: the last scheduled time (or creation), optionally no earlier than now - deadline. */
export function earliestTime(i: ScheduleInputs, now: number, includeStartingDeadline: boolean): number {
  let earliest = i.lastScheduleMs ?? i.creationMs;
  const deadline = i.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
  return earliest;
}

/** kube nextScheduleTimeDelta: wake up a little after the start time, never just before it. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** How long until the CronJob must be looked at again for its next start time (undefined: never). */
export function nextScheduleDelayMs(i: ScheduleInputs, now: number, sched: Schedule): number | undefined {
  let base: number;
  try {
    const r = mostRecentScheduleTime(earliestTime(i, now, false), now, sched);
    base = r.mostRecent ?? r.earliest;
  } catch {
    base = now;
  }
  const next = sched.next(base);
  return Number.isFinite(next) ? Math.max(0, next + NEXT_SCHEDULE_DELTA_MS - now) : undefined;
}
