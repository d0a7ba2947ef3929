// SPDX-License-Identifier: Apache-2.0
export { readContainerLogs } from './read.js';
export { parseCriLogLine, parseRfc3339Nano, msToNanos } from './cri-line.js';
export type { CriLogEntry } from './cri-line.js';
export { findTailStart } from './tail.js';
export { parseContainerLogQuery, LogQueryError } from './options.js';
export type { ContainerLogQuery } from './options.js';
export { containerLogTarget } from './log-target.js';
export type { ContainerLogTarget } from './log-target.js';
export type { LogReadOptions, LogSink, LogStreamName, ReadContainerLogsRequest } from './types.js';
