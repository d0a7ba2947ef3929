// SPDX-License-Identifier: Apache-2.0
// One line of a CRI container log file (the format containerd and CRI-O write, kubelet reads):
//   2016-10-06T00:17:09.669794202Z stdout P log content 1
//   2016-10-06T00:17:09.669794203Z stderr F log content 2
// Tag P marks a partial line (the runtime split a long line; the next entry continues it), F a full
// one. Tags may carry more ':'-separated parts; only the first counts (kubelet parseCRILog).
import type { LogStreamName } from './types.js';

export interface CriLogEntry {
  /** Nanoseconds since the epoch. */
  nanos: bigint;
  /** The timestamp as kubelet writes it with `timestamps=true` (RFC3339 with 9 fraction digits). */
  timestamp: string;
  stream: LogStreamName;
  partial: boolean;
  /** The message; a full line keeps its '\n', a partial one has none. */
  content: Buffer;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses one line (with or without its '\n'); undefined when it is not CRI format. */
export function parseCriLogLine(line: Buffer): CriLogEntry | undefined {
  const sp1 = line.indexOf(SPACE);
  if (sp1 < 0) return undefined;
  const ts = parseRfc3339Nano(line.toString('latin1', 0, sp1));
  if (!ts) return undefined;
  const sp2 = line.indexOf(SPACE, sp1 + 1);
  if (sp2 < 0) return undefined;
  const stream = line.toString('latin1', sp1 + 1, sp2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const sp3 = line.indexOf(SPACE, sp2 + 1);
  if (sp3 < 0) return undefined;
  const tag = line.toString('latin1', sp2 + 1, sp3).split(':')[0];
  const partial = tag === 'P';
  let end = line.length;
  // A partial entry's own line ending is the file's, not the message's.
  if (partial && end > sp3 + 1 && line[end - 1] === NEWLINE) end--;
  return { ...ts, stream, partial, content: line.subarray(sp3 + 1, end) };
}

/**
 * Parses an RFC3339 time with an optional fraction of up to 9 digits (Go's RFC3339NanoLenient,
 * which is what runtimes write: trailing zeros of the fraction dropped). Returns the instant in
 * nanoseconds and the text kubelet prints for it (Go's RFC3339NanoFixed: always 9 digits, the
 * offset kept, "Z" for a zero offset).
 */
export function parseRfc3339Nano(text: string): { nanos: bigint; timestamp: string } | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, dateTime = '', fraction = '', zone = 'Z'] = m;
  const ms = Date.parse(`${dateTime}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = fraction.padEnd(9, '0');
  const outZone = zone === '+00:00' || zone === '-00:00' ? 'Z' : zone;
  return { nanos: BigInt(ms) * 1_000_000n + BigInt(frac), timestamp: `${dateTime}.${frac}${outZone}` };
}

/** Nanoseconds since the epoch for a JavaScript time in milliseconds. */
export function msToNanos(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}
