// SPDX-License-Identifier: Apache-2.0
// Reads a container's CRI log file the way kubelet serves GET /containerLogs
// (pkg/kubelet/kuberuntime/logs ReadLogs): tail, since, timestamps, limitBytes, stream selection,
// and follow — keep reading as the file grows, survive rotation (the path re-created or truncated),
// stop at the end of the file once the container no longer runs, or when the caller aborts.
import { watch, type FSWatcher } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { realClock, type Clock } from '../../machinery/clock.js';
import { parseCriLogLine, type CriLogEntry } from './cri-line.js';
import { findTailStart } from './tail.js';
import type { LogReadOptions, LogSink, LogStreamName, ReadContainerLogsRequest } from './types.js';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;
const SPACE = Buffer.from(' ');
const DEFAULT_POLL_MS = 1000;

/** Streams the log file at `req.path` into `req.sink`. Resolves when done; rejects on I/O errors. */
export async function readContainerLogs(req: ReadContainerLogsRequest): Promise<void> {
  const clock = req.clock ?? realClock;
  const follow = req.follow === true;
  const path = await realpath(req.path);
  let file = await open(path, 'r');
  let ino = (await file.stat()).ino;
  const changes = follow ? new ChangeNotifier(path) : undefined;
  try {
    const size = (await file.stat()).size;
    let pos = req.tailLines !== undefined ? await findTailStart(file, size, req.tailLines) : 0;
    // Without follow, a tail read ends after that many lines even if the file grows meanwhile.
    let linesLeft = req.tailLines !== undefined && !follow ? req.tailLines : Infinity;
    const out = new LogWriter(req, req.sink);
    let pending = Buffer.alloc(0);
    let running = true;
    for (;;) {
      if (req.signal?.aborted || linesLeft <= 0) return;
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await file.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        const data = pending.length > 0 ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        let start = 0;
        for (let nl = data.indexOf(NEWLINE, start); nl >= 0 && linesLeft > 0; nl = data.indexOf(NEWLINE, start)) {
          const entry = parseCriLogLine(data.subarray(start, nl + 1));
          start = nl + 1;
          if (!entry) continue; // kubelet logs and skips lines it cannot parse
          if (!out.add(entry)) { await out.flush(); return; }
          linesLeft--;
        }
        pending = Buffer.from(data.subarray(start));
        await out.flush();
        continue;
      }
      // End of the file.
      if (!follow) {
        // An unterminated last line is still shown (kubelet: "Incomplete line in log file").
        const entry = pending.length > 0 ? parseCriLogLine(pending) : undefined;
        if (entry && linesLeft > 0) { out.add(entry); await out.flush(); }
        return;
      }
      if (!running) return; // drained what the stopped container wrote
      const rotated = await reopenIfRotated(path, ino);
      if (rotated) {
        await file.close();
        file = rotated.file;
        ino = rotated.ino;
        pos = 0;
        pending = Buffer.alloc(0);
        continue;
      }
      if ((await file.stat()).size < pos) { pos = 0; pending = Buffer.alloc(0); continue; } // copytruncate
      running = req.isRunning ? await req.isRunning() : true;
      if (!running) continue; // one more pass to the end of the file, then stop
      await changes?.wait(req.pollIntervalMs ?? DEFAULT_POLL_MS, clock, req.signal);
    }
  } finally {
    changes?.close();
    await file.close();
  }
}

/** The file now at `path`, when it is no longer the one we read (rotation by rename + create). */
async function reopenIfRotated(path: string, ino: number): Promise<{ file: FileHandle; ino: number } | undefined> {
  let now;
  try {
    now = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // between rename and re-create
    throw e;
  }
  if (now.ino === ino) return undefined;
  const file = await open(path, 'r');
  return { file, ino: (await file.stat()).ino };
}

/**
 * Applies since/streams/timestamps/limitBytes to parsed entries (kubelet's logWriter) and batches
 * consecutive output of one stream into one sink call.
 */
class LogWriter {
  readonly #opts: LogReadOptions;
  readonly #sink: LogSink;
  #remain: number;
  /** Per stream: the next entry starts a new line (the previous one was not partial). */
  readonly #atLineStart: Record<LogStreamName, boolean> = { stdout: true, stderr: true };
  #batch: Buffer[] = [];
  #batchStream: LogStreamName = 'stdout';
  /** Batches of earlier streams waiting for the next flush(). */
  #queued: Array<{ chunk: Buffer; stream: LogStreamName }> = [];

  constructor(opts: LogReadOptions, sink: LogSink) {
    this.#opts = opts;
    this.#sink = sink;
    this.#remain = opts.limitBytes ?? Infinity;
  }

  /** Queues one entry; false once the byte limit is reached (nothing more should be read). */
  add(entry: CriLogEntry): boolean {
    const lineStart = this.#atLineStart[entry.stream];
    this.#atLineStart[entry.stream] = !entry.partial;
    if (this.#opts.sinceNanos !== undefined && entry.nanos < this.#opts.sinceNanos) return true;
    if (this.#opts.streams && !this.#opts.streams.includes(entry.stream)) return true;
    let parts = this.#opts.timestamps && lineStart ? [Buffer.from(entry.timestamp), SPACE, entry.content] : [entry.content];
    let len = parts.reduce((n, p) => n + p.length, 0);
    if (len > this.#remain) {
      const cut = Buffer.concat(parts).subarray(0, this.#remain);
      parts = [cut];
      len = cut.length;
    }
    if (entry.stream !== this.#batchStream && this.#batch.length > 0) this.#queued.push(this.#take());
    this.#batchStream = entry.stream;
    this.#batch.push(...parts);
    this.#remain -= len;
    return this.#remain > 0;
  }

  #take(): { chunk: Buffer; stream: LogStreamName } {
    const chunk = this.#batch.length === 1 ? this.#batch[0] as Buffer : Buffer.concat(this.#batch);
    this.#batch = [];
    return { chunk, stream: this.#batchStream };
  }

  async flush(): Promise<void> {
    if (this.#batch.length > 0) this.#queued.push(this.#take());
    const queued = this.#queued;
    this.#queued = [];
    for (const { chunk, stream } of queued) if (chunk.length > 0) await this.#sink(chunk, stream);
  }
}

/**
 * Wakes a follower when its log directory changes (inotify through fs.watch), or after the poll
 * interval at the latest — the watch is a hint, the poll is the guarantee (kubelet's
 * logForceCheckPeriod does the same for missed fsnotify events).
 */
class ChangeNotifier {
  #watcher: FSWatcher | undefined;
  #changed = false;
  #wake: (() => void) | undefined;

  constructor(path: string) {
    try {
      // The directory, not the file: a rotation re-creates the file under the same name.
      this.#watcher = watch(dirname(path), { persistent: false }, () => this.#notify());
      this.#watcher.on('error', () => { this.#watcher?.close(); this.#watcher = undefined; });
    } catch {
      this.#watcher = undefined; // polling alone still works
    }
  }

  #notify(): void {
    this.#changed = true;
    this.#wake?.();
  }

  async wait(ms: number, clock: Clock, signal?: AbortSignal): Promise<void> {
    if (this.#changed) { this.#changed = false; return; }
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#wake = () => stop.abort();
    try {
      await clock.sleep(ms, stop.signal);
    } catch {
      // woken by a change or the caller's abort: either way, look at the file again
    } finally {
      this.#wake = undefined;
      this.#changed = false;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  close(): void {
    this.#watcher?.close();
  }
}
