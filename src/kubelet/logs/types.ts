// SPDX-License-Identifier: Apache-2.0
// What a container log read needs: the options of kubelet's GET /containerLogs (core/v1
// PodLogOptions, as pkg/kubelet/kuberuntime/logs reads them) and where the bytes go.
import type { Clock } from '../../machinery/clock.js';

export type LogStreamName = 'stdout' | 'stderr';

/** The PodLogOptions fields that shape a read. Unset means "no limit". */
export interface LogReadOptions {
  /** Keep reading as the file grows until the container stops or the caller aborts. */
  follow?: boolean;
  /** Start this many lines (file lines, as kubelet counts them) before the end. */
  tailLines?: number;
  /** Stop after this many bytes of output (a line may be cut). */
  limitBytes?: number;
  /** Skip messages older than this, in nanoseconds since the epoch. */
  sinceNanos?: bigint;
  /** Prefix each line with its RFC3339Nano timestamp (9 fraction digits) and a space. */
  timestamps?: boolean;
  /** Which streams to return (PodLogOptions.stream); both by default. */
  streams?: readonly LogStreamName[];
}

/** Where the log bytes go. A returned promise is awaited before more is read (backpressure). */
export type LogSink = (chunk: Buffer, stream: LogStreamName) => void | Promise<void>;

export interface ReadContainerLogsRequest extends LogReadOptions {
  /** The CRI-format log file (symlinks are resolved). */
  path: string;
  sink: LogSink;
  /**
   * Follow mode only: whether the container still runs. Reading stops at the end of the file once
   * this says false (kubelet's isContainerRunning). Without it, following stops only on abort.
   */
  isRunning?: () => Promise<boolean>;
  /** Aborted when the caller disconnects. */
  signal?: AbortSignal;
  clock?: Clock;
  /** Follow mode: how often the file is checked when no change notification arrives (1 s, as kubelet). */
  pollIntervalMs?: number;
}
