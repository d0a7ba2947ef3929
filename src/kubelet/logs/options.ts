// SPDX-License-Identifier: Apache-2.0
// kubelet's GET /containerLogs query → read options: the v1 PodLogOptions parameters
// (follow, previous, tailLines or legacy tail, sinceSeconds, sinceTime, timestamps, limitBytes,
// stream), decoded and validated as kubelet does (pkg/kubelet/server getContainerLogs).
import { msToNanos, parseRfc3339Nano } from './cri-line.js';
import type { LogReadOptions, LogStreamName } from './types.js';

export interface ContainerLogQuery extends LogReadOptions {
  previous: boolean;
}

/** A query kubelet refuses: its HTTP status and plain-text body. */
export class LogQueryError extends Error {
  constructor(readonly code: number, message: string) { super(message); }
}

/** Go's strconv.ParseBool, which the query parameter codec uses. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

function parseInteger(v: string): number | undefined {
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

export function parseContainerLogQuery(query: URLSearchParams, nowMs: number): ContainerLogQuery {
  const decodeError = () => new LogQueryError(400, '{"message": "Unable to decode query."}');
  const invalid = () => new LogQueryError(422, '{"message": "Invalid request."}');
  const bool = (name: string): boolean => {
    const v = query.get(name);
    if (v === null || v === '') return false;
    const b = parseBool(v);
    if (b === undefined) throw decodeError();
    return b;
  };
  const int = (name: string): number | undefined => {
    const v = query.get(name);
    if (v === null || v === '') return undefined;
    const n = parseInteger(v);
    if (n === undefined) throw decodeError();
    return n;
  };
  let tailLines = int('tailLines');
  const tail = query.get('tail'); // backwards compatibility, "all" = no tail
  if (tail !== null && tail !== '') tailLines = tail === 'all' ? undefined : (parseInteger(tail) ?? (() => { throw decodeError(); })());
  const limitBytes = int('limitBytes');
  const sinceSeconds = int('sinceSeconds');
  const sinceTimeText = query.get('sinceTime');
  let sinceTime: bigint | undefined;
  if (sinceTimeText) {
    const parsed = parseRfc3339Nano(sinceTimeText);
    if (!parsed) throw decodeError();
    sinceTime = parsed.nanos;
  }
  if (tailLines !== undefined && tailLines < 0) throw invalid();
  if (limitBytes !== undefined && limitBytes < 1) throw invalid();
  if (sinceSeconds !== undefined && sinceTime !== undefined) throw invalid();
  if (sinceSeconds !== undefined && sinceSeconds < 1) throw invalid();
  let streams: LogStreamName[] | undefined;
  const stream = query.get('stream');
  if (stream === 'Stdout') streams = ['stdout'];
  else if (stream === 'Stderr') streams = ['stderr'];
  else if (stream !== null && stream !== '' && stream !== 'All') throw new LogQueryError(400, `invalid stream type "${stream}"`);
  const out: ContainerLogQuery = {
    previous: bool('previous'),
    follow: bool('follow'),
    timestamps: bool('timestamps'),
  };
  if (tailLines !== undefined) out.tailLines = tailLines;
  if (limitBytes !== undefined) out.limitBytes = limitBytes;
  if (sinceSeconds !== undefined) out.sinceNanos = msToNanos(nowMs - sinceSeconds * 1000);
  if (sinceTime !== undefined) out.sinceNanos = sinceTime;
  if (streams) out.streams = streams;
  return out;
}
