// Durations in sim annotations: Go-style ("1s", "500ms", "1m30s") or a bare number of seconds.

import { parseDuration as parseGoDuration } from '../../../machinery/duration.js';

/** Milliseconds, or undefined when `text` is not a duration; a bare number means seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  return parseGoDuration(t);
}

/** "1s", "250ms", "1m30s": for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
}
