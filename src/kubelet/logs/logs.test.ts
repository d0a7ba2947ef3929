// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  containerLogTarget, parseContainerLogQuery, parseCriLogLine, parseRfc3339Nano, readContainerLogs,
  LogQueryError, type LogReadOptions, type LogStreamName,
} from './index.js';

const LOG = [
  '2026-11-24T23:23:20.090748072Z stdout F one',
  '2026-11-24T23:23:21.1Z stderr F two',
  '2026-11-24T23:23:22.000000001Z stdout P thr',
  '2026-11-24T23:23:22.000000002Z stdout F ee',
  '2026-11-24T23:23:23Z stderr F four',
  '2026-11-24T23:23:24.5+01:00 stdout F five',
].join('\n') + '\n';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-logs-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

interface Collected { all: string; byStream: Record<LogStreamName, string> }

async function read(path: string, opts: LogReadOptions & { isRunning?: () => Promise<boolean>; signal?: AbortSignal; pollIntervalMs?: number } = {},
  onChunk?: (c: Collected) => void): Promise<Collected> {
  const out: Collected = { all: '', byStream: { stdout: '', stderr: '' } };
  await readContainerLogs({
    path, ...opts,
    sink: (chunk, stream) => { out.all += chunk.toString(); out.byStream[stream] += chunk.toString(); onChunk?.(out); },
  });
  return out;
}

test('CRI line parsing: streams, P/F tags, tag suffixes, bad lines', () => {
  const e = parseCriLogLine(Buffer.from('2026-11-24T23:23:20.090748072Z stderr F:x hello world\n'));
  assert.ok(e);
  assert.equal(e.stream, 'stderr');
  assert.equal(e.partial, false);
  assert.equal(e.content.toString(), 'hello world\n');
  const p = parseCriLogLine(Buffer.from('2026-11-24T23:23:20Z stdout P part\n'));
  assert.equal(p?.partial, true);
  assert.equal(p?.content.toString(), 'part');
  assert.equal(parseCriLogLine(Buffer.from('garbage\n')), undefined);
  assert.equal(parseCriLogLine(Buffer.from('2026-11-24T23:23:20Z stdin F x\n')), undefined);
  assert.equal(parseCriLogLine(Buffer.from('2026-11-24T23:23:20Z stdout\n')), undefined);
});

test('timestamps print as RFC3339NanoFixed and compare in nanoseconds', () => {
  assert.equal(parseRfc3339Nano('2026-11-24T23:23:21.1Z')?.timestamp, '2026-11-24T23:23:21.100000000Z');
  assert.equal(parseRfc3339Nano('2026-11-24T23:23:21Z')?.timestamp, '2026-11-24T23:23:21.000000000Z');
  assert.equal(parseRfc3339Nano('2026-11-24T23:23:21.5+00:00')?.timestamp, '2026-11-24T23:23:21.500000000Z');
  assert.equal(parseRfc3339Nano('2026-11-24T23:23:21.5+01:00')?.timestamp, '2026-11-24T23:23:21.500000000+01:00');
  const a = parseRfc3339Nano('2026-11-24T23:23:21.000000001Z');
  const b = parseRfc3339Nano('2026-11-24T23:23:21.000000002Z');
  assert.ok(a && b && a.nanos + 1n === b.nanos);
  assert.equal(parseRfc3339Nano('2026-11-24T23:23:21.5+01:00')?.nanos, parseRfc3339Nano('2026-11-24T22:23:21.5Z')?.nanos);
  assert.equal(parseRfc3339Nano('yesterday'), undefined);
});

test('reads both streams in order; partial lines are joined', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, LOG);
  const out = await read(path);
  assert.equal(out.all, 'one\ntwo\nthree\nfour\nfive\n');
  assert.equal(out.byStream.stdout, 'one\nthree\nfive\n');
  assert.equal(out.byStream.stderr, 'two\nfour\n');
}));

test('timestamps prefix each line once (not the continuation of a partial line)', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, LOG);
  const out = await read(path, { timestamps: true });
  assert.equal(out.all, [
    '2026-11-24T23:23:20.090748072Z one',
    '2026-11-24T23:23:21.100000000Z two',
    '2026-11-24T23:23:22.000000001Z three',
    '2026-11-24T23:23:23.000000000Z four',
    '2026-11-24T23:23:24.500000000+01:00 five',
  ].join('\n') + '\n');
}));

test('tailLines counts file lines from the end', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, LOG);
  assert.equal((await read(path, { tailLines: 2 })).all, 'four\nfive\n');
  assert.equal((await read(path, { tailLines: 3 })).all, 'ee\nfour\nfive\n'); // the P half is another file line
  assert.equal((await read(path, { tailLines: 0 })).all, '');
  assert.equal((await read(path, { tailLines: 100 })).all, 'one\ntwo\nthree\nfour\nfive\n');
  // A file larger than one read block.
  const many = Array.from({ length: 20_000 }, (_, i) => `2026-11-24T23:23:20Z stdout F line ${i}`).join('\n') + '\n';
  await writeFile(path, many);
  assert.equal((await read(path, { tailLines: 3 })).all, 'line 19997\nline 19998\nline 19999\n');
  assert.equal((await read(path)).all.split('\n').length, 20_001);
}));

test('since, limitBytes and stream selection', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, LOG);
  const since = parseRfc3339Nano('2026-11-24T23:23:22.000000002Z')?.nanos;
  assert.equal((await read(path, { sinceNanos: since })).all, 'ee\nfour\n'); // "five" is 22:23:24.5Z
  assert.equal((await read(path, { limitBytes: 6 })).all, 'one\ntw');
  assert.equal((await read(path, { limitBytes: 8 })).all, 'one\ntwo\n');
  assert.equal((await read(path, { limitBytes: 10, timestamps: true })).all, '2026-11-24');
  assert.equal((await read(path, { streams: ['stderr'] })).all, 'two\nfour\n');
}));

test('an unterminated last line is shown without follow', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, '2026-11-24T23:23:20Z stdout F a\n2026-11-24T23:23:21Z stdout F b');
  assert.equal((await read(path)).all, 'a\nb');
}));

test('follow: new lines arrive until the container stops', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, '2026-11-24T23:23:20Z stdout F first\n');
  let running = true;
  let seen = '';
  const done = read(path, { follow: true, isRunning: async () => running, pollIntervalMs: 50 }, (c) => { seen = c.all; });
  await until(() => seen === 'first\n');
  await appendFile(path, '2026-11-24T23:23:21Z stdout F sec');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(seen, 'first\n', 'an incomplete line waits for its end');
  await appendFile(path, 'ond\n2026-11-24T23:23:22Z stderr F third\n');
  await until(() => seen === 'first\nsecond\nthird\n');
  await appendFile(path, '2026-11-24T23:23:23Z stdout F last words\n');
  running = false;
  const out = await done;
  assert.equal(out.all, 'first\nsecond\nthird\nlast words\n');
}));

test('follow with tailLines starts at the tail and keeps going; abort ends it', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, LOG);
  const ac = new AbortController();
  let seen = '';
  const done = read(path, { follow: true, tailLines: 1, signal: ac.signal, pollIntervalMs: 50 }, (c) => { seen = c.all; });
  await until(() => seen === 'five\n');
  await appendFile(path, '2026-11-24T23:23:25Z stdout F six\n');
  await until(() => seen === 'five\nsix\n');
  ac.abort();
  await done;
}));

test('follow survives rotation (rename + re-create) and truncation', async () => withDir(async (dir) => {
  const path = join(dir, '0.log');
  await writeFile(path, '2026-11-24T23:23:20Z stdout F before\n');
  const ac = new AbortController();
  let seen = '';
  const done = read(path, { follow: true, signal: ac.signal, pollIntervalMs: 50 }, (c) => { seen = c.all; });
  await until(() => seen === 'before\n');
  await appendFile(path, '2026-11-24T23:23:21Z stdout F tail of old\n');
  await rename(path, `${path}.20261124-232321`);
  await writeFile(path, '2026-11-24T23:23:22Z stdout F after\n');
  await until(() => seen === 'before\ntail of old\nafter\n');
  // copytruncate is best effort (kubelet itself does not follow it): noticed when the file is
  // found shorter than the read position, so the writer here waits a poll interval.
  await truncate(path, 0);
  await new Promise((r) => setTimeout(r, 150));
  await appendFile(path, '2026-11-24T23:23:23Z stdout F truncated\n');
  try {
    await until(() => seen === 'before\ntail of old\nafter\ntruncated\n');
  } finally {
    ac.abort();
    await done;
  }
}));

test('a missing log file rejects', async () => withDir(async (dir) => {
  await assert.rejects(read(join(dir, 'nope.log')), /ENOENT/);
}));

test('query parsing and validation as kubelet does', () => {
  const q = (s: string) => parseContainerLogQuery(new URLSearchParams(s), Date.parse('2026-11-24T23:23:30Z'));
  assert.deepEqual(q('follow=true&timestamps=1&tailLines=5&limitBytes=10'),
    { previous: false, follow: true, timestamps: true, tailLines: 5, limitBytes: 10 });
  assert.equal(q('sinceSeconds=10').sinceNanos, parseRfc3339Nano('2026-11-24T23:23:20Z')?.nanos);
  assert.equal(q('sinceTime=2026-11-24T23:23:22Z').sinceNanos, parseRfc3339Nano('2026-11-24T23:23:22Z')?.nanos);
  assert.equal(q('tail=all').tailLines, undefined);
  assert.equal(q('tail=3').tailLines, 3);
  assert.equal(q('previous=true').previous, true);
  assert.deepEqual(q('stream=Stderr').streams, ['stderr']);
  const err = (s: string) => { try { q(s); return undefined; } catch (e) { assert.ok(e instanceof LogQueryError); return e.code; } };
  assert.equal(err('tailLines=x'), 400);
  assert.equal(err('follow=maybe'), 400);
  assert.equal(err('tailLines=-1'), 422);
  assert.equal(err('limitBytes=0'), 422);
  assert.equal(err('sinceSeconds=1&sinceTime=2026-11-24T23:23:22Z'), 422);
  assert.equal(err('stream=Both'), 400);
});

test('which container a log request reads, and kubelet\'s messages when none', () => {
  const running = { running: { startedAt: 'x' } };
  const cs = (over: object) => ({ name: 'app', ready: true, restartCount: 0, image: '', imageID: '', lastState: {}, state: {}, ...over });
  const t = (status: object | undefined, previous = false) => containerLogTarget('web', status as never, 'app', previous);
  assert.deepEqual(t({ containerStatuses: [cs({ state: running, containerID: 'containerd://abc' })] }), { ok: true, containerId: 'abc' });
  assert.deepEqual(t({ containerStatuses: [cs({ state: { waiting: { reason: 'ContainerCreating' } } })] }),
    { ok: false, message: 'container "app" in pod "web" is waiting to start: ContainerCreating' });
  assert.deepEqual(t({ containerStatuses: [cs({ state: running, containerID: 'containerd://abc' })] }, true),
    { ok: false, message: 'previous terminated container "app" in pod "web" not found' });
  assert.deepEqual(t({ containerStatuses: [cs({ state: running, containerID: 'containerd://new', lastState: { terminated: { exitCode: 1, containerID: 'containerd://old' } } })] }, true),
    { ok: true, containerId: 'old' });
  assert.deepEqual(t({ containerStatuses: [cs({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, containerID: 'containerd://old' } } })] }),
    { ok: true, containerId: 'old' });
  assert.deepEqual(t(undefined), { ok: false, message: 'container "app" in pod "web" is not available' });
  assert.deepEqual(t({ containerStatuses: [cs({ state: { waiting: { reason: 'ImagePullBackOff' } } })] }),
    { ok: false, message: 'container "app" in pod "web" is waiting to start: trying and failing to pull image' });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
