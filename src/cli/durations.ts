// Go-style durations on the command line: 300ms, 40s, 5m, 1h30m.
import { FlagError } from './flags.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(flag: string, text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length) throw new FlagError(`--${flag}: invalid duration "${text}" (examples: 500ms, 40s, 5m)`);
  return total;
}

export function parseNonNegativeInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new FlagError(`--${flag}: want a whole number ≥ 0, got "${text}"`);
  return n;
}
