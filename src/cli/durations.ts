// Go-style durations on the command line: 300ms, 40s, 5m, 1h30m.
import { FlagError } from './flags.js';
import { parseDuration as parseGoDuration } from '../machinery/duration.js';

export function parseDuration(flag: string, text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined) throw new FlagError(`--${flag}: invalid duration "${text}" (examples: 500ms, 40s, 5m)`);
  return ms;
}

export function parseNonNegativeInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new FlagError(`--${flag}: want a whole number ≥ 0, got "${text}"`);
  return n;
}
