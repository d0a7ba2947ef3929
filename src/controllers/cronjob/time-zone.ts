// Wall-clock time in an IANA time zone, through Intl (the tz database Node ships). UTC needs no
// Intl at all. Offsets are found per instant, so daylight-saving changes are followed.

export interface WallTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', weekday: 'short',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

const isUtc = (tz: string | undefined): boolean => !tz || tz === 'UTC' || tz === 'Etc/UTC';

/** Whether `tz` is a time zone this runtime knows (Go's time.LoadLocation succeeding). */
export function isKnownTimeZone(tz: string): boolean {
  if (isUtc(tz)) return true;
  try { formatter(tz); return true; } catch { return false; }
}

export function wallTime(ms: number, tz?: string): WallTime {
  if (isUtc(tz)) {
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
      hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(),
    };
  }
  const w: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const p of formatter(tz as string).formatToParts(ms)) {
    switch (p.type) {
      case 'year': w.year = Number(p.value); break;
      case 'month': w.month = Number(p.value); break;
      case 'day': w.day = Number(p.value); break;
      case 'hour': w.hour = Number(p.value); break;
      case 'minute': w.minute = Number(p.value); break;
      case 'second': w.second = Number(p.value); break;
      case 'weekday': w.weekday = WEEKDAYS[p.value] ?? 0; break;
      default: break;
    }
  }
  return w;
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (positive east of Greenwich). */
export function offsetAt(ms: number, tz?: string): number {
  if (isUtc(tz)) return 0;
  const w = wallTime(ms, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant the zone's clocks show the given wall time (fields may overflow, as in Date.UTC).
 * A wall time skipped by a forward DST jump maps to the instant just after the jump.
 */
export function instantOf(tz: string | undefined, year: number, month: number, day: number, hour: number, minute: number): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  if (isUtc(tz)) return guess;
  const o1 = offsetAt(guess, tz);
  const t = guess - o1;
  const o2 = offsetAt(t, tz);
  return o1 === o2 ? t : Math.max(t, guess - o2);
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

function offsetText(offMs: number, sep: string): string {
  const mins = Math.round(offMs / 60000);
  return `${mins < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(mins) / 60))}${sep}${pad(Math.abs(mins) % 60)}`;
}

/** Go's time.RFC3339 of the instant in the zone: 2024-03-05T11:00:00+01:00, or ...Z in UTC. */
export function formatRfc3339In(ms: number, tz?: string): string {
  const w = wallTime(ms, tz);
  const off = offsetAt(ms, tz);
  const zone = off === 0 ? 'Z' : offsetText(off, ':');
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${zone}`;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC: Tue, 05 Mar 2024 10:00:00 +0000. */
export function formatRfc1123zUtc(ms: number): string {
  const w = wallTime(ms);
  return `${DAY_NAMES[w.weekday]}, ${pad(w.day)} ${MONTH_NAMES[w.month - 1]} ${pad(w.year, 4)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)} +0000`;
}
