// Cron schedules as CronJob accepts them: robfig/cron's standard parser (five fields, names for
// months and weekdays, ranges, steps, lists, `?`, the @yearly…@hourly descriptors and @every).
// Returns the expanded field sets, so a controller can compute run times from the same parse.

export interface CronFields {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  daysOfWeek: ReadonlySet<number>;
  /** A `*` or `?` day field: cron runs on the other day field alone when one of them is a star. */
  domStar: boolean;
  dowStar: boolean;
}

export type CronParse =
  | { ok: true; fields: CronFields; everySeconds?: undefined }
  | { ok: true; everySeconds: number; fields?: undefined }
  | { ok: false; error: string };

interface Bounds { min: number; max: number; names?: Record<string, number> }

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const BOUNDS: Bounds[] = [
  { min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: MONTHS }, { min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

class CronError extends Error {}

function value(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(s)) throw new CronError(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number(s);
}

function parseRange(expr: string, b: Bounds, out: Set<number>): boolean {
  const [rangePart = '', stepPart, extra] = expr.split('/');
  if (extra !== undefined) throw new CronError(`too many slashes: ${expr}`);
  let start: number;
  let end: number;
  let star = false;
  if (rangePart === '*' || rangePart === '?') {
    [start, end, star] = [b.min, b.max, true];
  } else {
    const bounds = rangePart.split('-');
    if (bounds.length > 2) throw new CronError(`too many hyphens: ${expr}`);
    start = value(bounds[0] ?? '', b);
    end = bounds.length === 2 ? value(bounds[1] ?? '', b) : start;
  }
  let step = 1;
  if (stepPart !== undefined) {
    step = value(stepPart, { min: 0, max: 0 });
    if (step <= 0) throw new CronError(`step of range should be a positive number: ${expr}`);
    // `N/step` means N through the maximum.
    if (!star && !rangePart.includes('-')) end = b.max;
    if (step > 1) star = false;
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  for (let v = start; v <= end; v += step) out.add(v);
  return star;
}

function parseField(s: string, b: Bounds): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const part of s.split(',')) star = parseRange(part, b, set) || star;
  return { set, star };
}

/** Go's time.ParseDuration subset that @every uses (h, m, s, ms). */
function parseEvery(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
    matched = re.lastIndex;
  }
  if (matched !== s.length || s.length === 0) throw new CronError(`failed to parse duration ${s}: time: invalid duration "${s}"`);
  return total;
}

export function parseCronSchedule(schedule: string): CronParse {
  try {
    const spec = schedule.trim();
    if (spec.length === 0) throw new CronError('empty spec string');
    if (spec.startsWith('@every ')) return { ok: true, everySeconds: parseEvery(spec.slice('@every '.length).trim()) };
    let expanded = spec;
    if (spec.startsWith('@')) {
      const d = DESCRIPTORS[spec];
      if (!d) throw new CronError(`unrecognized descriptor: ${spec}`);
      expanded = d;
    }
    const parts = expanded.split(/\s+/);
    if (parts.length !== 5) throw new CronError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
    const f = parts.map((p, i) => parseField(p, BOUNDS[i] ?? { min: 0, max: 0 }));
    const pick = (i: number): { set: Set<number>; star: boolean } => f[i] ?? { set: new Set(), star: false };
    return {
      ok: true,
      fields: {
        minutes: pick(0).set, hours: pick(1).set, daysOfMonth: pick(2).set, months: pick(3).set, daysOfWeek: pick(4).set,
        domStar: pick(2).star, dowStar: pick(4).star,
      },
    };
  } catch (e) {
    if (e instanceof CronError) return { ok: false, error: e.message };
    throw e;
  }
}
