// ProbeManager against real HTTP/TCP servers on 127.0.0.1 and real processes for exec, with a
// manual clock driving the probe periods: thresholds, startup gating, restarts, timers, events.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../machinery/clock.js';
import type { Container, Pod } from '../api-types.js';
import { ProbeManager, type ProbeKind, type ProbeTarget, type RunningContainer } from './index.js';

/** A clock whose sleeps end only when the test moves time past them. */
class ManualClock implements Clock {
  t = Date.parse('2025-01-01T00:00:00Z');
  readonly #sleepers = new Set<{ at: number; wake(): void }>();

  now(): number { return this.t; }

  /** How many sleeps are pending (one per worker waiting for its next period). */
  get sleeping(): number { return this.#sleepers.size; }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) { reject(signal.reason); return; }
      if (ms <= 0) { resolve(); return; }
      const sleeper = {
        at: this.t + ms,
        wake: () => { this.#sleepers.delete(sleeper); signal?.removeEventListener('abort', onAbort); resolve(); },
      };
      const onAbort = () => { this.#sleepers.delete(sleeper); reject(signal?.reason); };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.add(sleeper);
    });
  }

  advance(ms: number): void {
    this.t += ms;
    for (const s of [...this.#sleepers].sort((a, b) => a.at - b.at)) if (s.at <= this.t) s.wake();
  }
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** An HTTP server whose answer per path the test sets; counts requests per path. */
async function healthServer(t: TestContext) {
  const status = new Map<string, number>();
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const code = status.get(path) ?? 200;
    if (code === 0) return; // never answer
    res.statusCode = code;
    res.end(path);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return {
    port: (server.address() as AddressInfo).port,
    set: (path: string, code: number) => status.set(path, code),
    hits: (path: string) => hits.get(path) ?? 0,
  };
}

function execLocally(cmd: string[], timeoutSeconds: number): ReturnType<ProbeTarget['exec']> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0] ?? '', cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ exitCode: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.alloc(0) }); });
  });
}

const target = (port = 0): ProbeTarget => ({
  podIP: '127.0.0.1', hostIP: '127.0.0.1', hostNetwork: false, containerId: '', ports: [{ name: 'http', containerPort: port }],
  exec: execLocally,
});

function makePod(containers: Container[], extra: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'uid-1' }, spec: { containers, ...extra } };
}

function setup(t: TestContext, o: { random?: () => number } = {}) {
  const clock = new ManualClock();
  const results: Array<[string, ProbeKind, string]> = [];
  const events: string[] = [];
  const m = new ProbeManager({
    clock,
    random: o.random ?? (() => 0),
    onResult: (_uid, container, kind, result) => results.push([container, kind, result]),
    onUnhealthy: (_pod, _container, _kind, message) => events.push(message),
  });
  t.after(() => m.stop());
  const running = (containerId: string, port: number, name = 'app'): RunningContainer =>
    ({ name, containerId, startedAt: clock.now(), target: { ...target(port), containerId } });
  return { clock, m, results, events, running };
}

test('readiness: false until successThreshold successes in a row, false again after failureThreshold failures', async (t) => {
  const s = await healthServer(t);
  const { clock, m, results, events, running } = setup(t);
  const pod = makePod([{ name: 'app', readinessProbe: { httpGet: { port: 'http', path: '/ready' }, periodSeconds: 1, successThreshold: 2 } }]);
  m.sync(pod, [running('c1', s.port)]);
  assert.equal(m.started('uid-1', 'c1'), true, 'no startup probe: started at once');
  assert.equal(m.ready('uid-1', 'c1'), false, 'readiness starts false');

  const round = async (path: string) => {
    const before = s.hits(path);
    clock.advance(1000);
    await until(() => s.hits(path) > before && clock.sleeping === 1, `probe of ${path}`);
  };
  await until(() => s.hits('/ready') === 1 && clock.sleeping === 1, 'the first probe, at once (no jitter)');
  assert.equal(m.ready('uid-1', 'c1'), false, 'one success of two');
  await round('/ready');
  assert.equal(m.ready('uid-1', 'c1'), true);
  await until(() => results.length === 1, 'onResult');
  assert.deepEqual(results, [['app', 'readiness', 'success']]);

  s.set('/ready', 503);
  await round('/ready');
  await round('/ready');
  assert.equal(m.ready('uid-1', 'c1'), true, 'two failures of three');
  await round('/ready');
  assert.equal(m.ready('uid-1', 'c1'), false);
  await until(() => results.length === 2 && events.length === 3, 'onResult and events');
  assert.deepEqual(results[1], ['app', 'readiness', 'failure']);
  assert.deepEqual(events, Array(3).fill('Readiness probe failed: HTTP probe failed with statuscode: 503'));
  assert.equal(m.failed('uid-1', 'c1'), undefined, 'readiness never restarts a container');
});

test('liveness: failureThreshold failures in a row → failed(); the instance stops probing; a restarted container starts afresh', async (t) => {
  const s = await healthServer(t);
  const { clock, m, results, events, running } = setup(t);
  const pod = makePod([{ name: 'app', livenessProbe: { httpGet: { port: s.port, path: '/live' }, periodSeconds: 1, failureThreshold: 3 } }]);
  s.set('/live', 500);
  m.sync(pod, [running('c1', s.port)]);
  const round = async () => {
    const before = s.hits('/live');
    clock.advance(1000);
    await until(() => s.hits('/live') > before && (clock.sleeping === 1 || m.failed('uid-1', 'c1') !== undefined), 'a liveness probe');
  };
  await until(() => s.hits('/live') === 1 && clock.sleeping === 1, 'first probe');
  await round();
  s.set('/live', 200); // a success breaks the run of failures
  await round();
  s.set('/live', 500);
  await round();
  await round();
  assert.equal(m.failed('uid-1', 'c1'), undefined, 'two failures since the last success');
  await round();
  assert.deepEqual(m.failed('uid-1', 'c1'), { kind: 'liveness', message: 'Container app failed liveness probe', output: 'HTTP probe failed with statuscode: 500' });
  await until(() => results.length === 1, 'onResult');
  assert.deepEqual(results, [['app', 'liveness', 'failure']]);
  assert.equal(events.filter((e) => e === 'Liveness probe failed: HTTP probe failed with statuscode: 500').length, 5);
  assert.equal(m.ready('uid-1', 'c1'), true, 'no readiness probe');

  // On hold: no more probes of this instance.
  assert.equal(clock.sleeping, 0);
  const hits = s.hits('/live');
  clock.advance(5000);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(s.hits('/live'), hits);

  // The kubelet restarted it: a new container id, fresh counts.
  s.set('/live', 200);
  m.sync(pod, [running('c2', s.port)]);
  assert.equal(m.failed('uid-1', 'c1'), undefined, 'the old instance is forgotten');
  assert.equal(m.failed('uid-1', 'c2'), undefined);
  await until(() => s.hits('/live') === hits + 1 && clock.sleeping === 1, 'the new instance is probed');
  assert.equal(m.failed('uid-1', 'c2'), undefined);
});

test('startup gates liveness and readiness; once it passes, readiness is probed at once and startup stops', async (t) => {
  const s = await healthServer(t);
  const { clock, m, results, running } = setup(t);
  const http = (path: string) => ({ httpGet: { port: 'http', path }, periodSeconds: 1 });
  const pod = makePod([{
    name: 'app',
    startupProbe: { ...http('/started'), failureThreshold: 30 },
    readinessProbe: http('/ready'),
    livenessProbe: http('/live'),
  }]);
  s.set('/started', 500);
  m.sync(pod, [running('c1', s.port)]);
  await until(() => s.hits('/started') === 1 && clock.sleeping === 3, 'first round');
  for (let i = 0; i < 3; i++) {
    const before = s.hits('/started');
    clock.advance(1000);
    await until(() => s.hits('/started') > before && clock.sleeping === 3, 'a round');
  }
  assert.equal(s.hits('/ready'), 0, 'readiness waits for startup');
  assert.equal(s.hits('/live'), 0, 'liveness waits for startup');
  assert.equal(m.started('uid-1', 'c1'), false);
  assert.equal(m.ready('uid-1', 'c1'), false);
  assert.equal(m.failed('uid-1', 'c1'), undefined, 'startup failures below the threshold');

  s.set('/started', 200);
  clock.advance(1000);
  // No further clock movement: the readiness probe follows the startup success at once.
  await until(() => m.ready('uid-1', 'c1'), 'ready right after startup');
  assert.equal(m.started('uid-1', 'c1'), true);
  assert.equal(s.hits('/ready'), 1);
  await until(() => clock.sleeping === 2, 'startup worker gone, readiness and liveness waiting');
  await until(() => results.length === 2, 'onResult');
  assert.deepEqual(results, [['app', 'startup', 'success'], ['app', 'readiness', 'success']]);
  const startupHits = s.hits('/started');
  clock.advance(1000);
  await until(() => s.hits('/live') === 1 && s.hits('/ready') === 2 && clock.sleeping === 2, 'liveness on its next period');
  assert.equal(s.hits('/started'), startupHits, 'startup is not probed once passed');
});

test('startup: failureThreshold failures → failed() with kind startup', async (t) => {
  const s = await healthServer(t);
  const { clock, m, events, running } = setup(t);
  s.set('/started', 404);
  m.sync(makePod([{ name: 'app', startupProbe: { httpGet: { port: s.port, path: '/started' }, periodSeconds: 1, failureThreshold: 2 } }]),
    [running('c1', s.port)]);
  await until(() => s.hits('/started') === 1 && clock.sleeping === 1, 'first probe');
  clock.advance(1000);
  await until(() => m.failed('uid-1', 'c1') !== undefined, 'startup failure');
  assert.deepEqual(m.failed('uid-1', 'c1'), { kind: 'startup', message: 'Container app failed startup probe', output: 'HTTP probe failed with statuscode: 404' });
  assert.equal(m.started('uid-1', 'c1'), false);
  await until(() => events.length === 2, 'events');
  assert.equal(events[0], 'Startup probe failed: HTTP probe failed with statuscode: 404');
});

test('initialDelaySeconds: no probe until that long after the container started', async (t) => {
  const s = await healthServer(t);
  const { clock, m, running } = setup(t);
  m.sync(makePod([{ name: 'app', readinessProbe: { tcpSocket: { port: s.port }, periodSeconds: 1, initialDelaySeconds: 3 } }]),
    [running('c1', s.port)]);
  await until(() => clock.sleeping === 1, 'worker waiting');
  for (let i = 0; i < 2; i++) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 30));
    await until(() => clock.sleeping === 1, 'worker waiting');
    assert.equal(m.ready('uid-1', 'c1'), false, `not probed at ${i + 1}s`);
  }
  clock.advance(1000);
  await until(() => m.ready('uid-1', 'c1'), 'probed at 3s');
});

test('exec probes run through target.exec, with $(VAR) from the container\'s env; a failure\'s event carries the output', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-probe-exec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'healthy');
  const { clock, m, events, running } = setup(t);
  const pod = makePod([{
    name: 'app',
    env: [{ name: 'HEALTH_FILE', value: file }],
    livenessProbe: { exec: { command: ['sh', '-c', 'cat $(HEALTH_FILE) && echo " ok $$HOME"'] }, periodSeconds: 5, failureThreshold: 2 },
  }]);
  writeFileSync(file, 'fine');
  m.sync(pod, [running('c1', 0)]);
  await until(() => clock.sleeping === 1, 'first probe done');
  assert.equal(m.failed('uid-1', 'c1'), undefined);
  assert.deepEqual(events, []);
  rmSync(file);
  clock.advance(5000);
  await until(() => events.length === 1 && clock.sleeping === 1, 'a failure');
  assert.equal(events[0], `Liveness probe failed: cat: ${file}: No such file or directory\n`);
  clock.advance(5000);
  await until(() => m.failed('uid-1', 'c1') !== undefined, 'second failure');
  assert.equal(m.failed('uid-1', 'c1')?.kind, 'liveness');
});

test('an HTTP probe that times out counts as a failure with Go\'s timeout text', async (t) => {
  const s = await healthServer(t);
  const { m, events, running } = setup(t);
  s.set('/hang', 0);
  m.sync(makePod([{ name: 'app', livenessProbe: { httpGet: { port: s.port, path: '/hang' }, timeoutSeconds: 1, failureThreshold: 1 } }]),
    [running('c1', s.port)]);
  await until(() => m.failed('uid-1', 'c1') !== undefined, 'the timed-out probe', 4000);
  await until(() => events.length === 1, 'event');
  assert.equal(events[0],
    `Liveness probe failed: Get "http://127.0.0.1:${s.port}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
});

test('attempts that cannot run (unknown) count for nothing, and make "errored" events', async (t) => {
  const { clock, m, events, running } = setup(t);
  m.sync(makePod([{ name: 'app', livenessProbe: { tcpSocket: { port: 'nope' }, periodSeconds: 1, failureThreshold: 1 } }]),
    [running('c1', 0)]);
  await until(() => clock.sleeping === 1, 'first round');
  clock.advance(1000);
  await until(() => events.length === 2 && clock.sleeping === 1, 'two rounds (of three attempts each)');
  assert.equal(m.failed('uid-1', 'c1'), undefined);
  assert.equal(events[0], 'Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing "nope": invalid syntax');
});

test('without probes a running container is started and ready; unknown instances are neither', (t) => {
  const { m, running } = setup(t);
  m.sync(makePod([{ name: 'app' }]), [running('c1', 0)]);
  assert.equal(m.started('uid-1', 'c1'), true);
  assert.equal(m.ready('uid-1', 'c1'), true);
  assert.equal(m.ready('uid-1', 'other'), false);
  assert.equal(m.started('uid-2', 'c1'), false);
  m.sync(makePod([{ name: 'app' }]), []);
  assert.equal(m.ready('uid-1', 'c1'), false, 'no longer running');
});

test('first probes are spread over one period while the manager is young, not later', async (t) => {
  const s = await healthServer(t);
  const { clock, m, running } = setup(t, { random: () => 0.5 });
  const pod = makePod([{ name: 'app', readinessProbe: { httpGet: { port: s.port, path: '/a' }, periodSeconds: 10 } }]);
  m.sync(pod, [running('c1', s.port)]);
  await until(() => clock.sleeping === 1, 'jitter sleep');
  clock.advance(4999);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(s.hits('/a'), 0);
  clock.advance(1);
  await until(() => s.hits('/a') === 1, 'probe after half a period');

  clock.advance(20_000); // the manager is now older than a period
  await until(() => clock.sleeping === 1, 'settled');
  const before = s.hits('/a');
  m.sync(makePod([{ name: 'app', readinessProbe: { httpGet: { port: s.port, path: '/a' }, periodSeconds: 10 } }], {}),
    [running('c2', s.port)]);
  await until(() => s.hits('/a') === before + 1, 'a new instance probes at once');
});

test('removePod and stop end every timer; sync after stop does nothing', async (t) => {
  const s = await healthServer(t);
  const { clock, m, running } = setup(t);
  const pod = makePod([{
    name: 'app',
    readinessProbe: { httpGet: { port: s.port, path: '/r' }, periodSeconds: 1 },
    livenessProbe: { httpGet: { port: s.port, path: '/l' }, periodSeconds: 1 },
  }]);
  m.sync(pod, [running('c1', s.port)]);
  await until(() => clock.sleeping === 2, 'two workers waiting');
  m.removePod('uid-1');
  assert.equal(clock.sleeping, 0, 'timers cancelled');
  assert.equal(m.ready('uid-1', 'c1'), false);
  const hits = s.hits('/r') + s.hits('/l');
  clock.advance(10_000);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(s.hits('/r') + s.hits('/l'), hits);

  m.sync(pod, [running('c1', s.port)]);
  await until(() => clock.sleeping === 2, 'workers again');
  m.stop();
  assert.equal(clock.sleeping, 0);
  m.sync(pod, [running('c1', s.port)]);
  assert.equal(clock.sleeping, 0);
  assert.equal(m.started('uid-1', 'c1'), false);
});

test('a pod being deleted stops liveness (no restart then) while readiness goes on', async (t) => {
  const s = await healthServer(t);
  const { clock, m, running } = setup(t);
  const containers: Container[] = [{
    name: 'app',
    readinessProbe: { httpGet: { port: s.port, path: '/r' }, periodSeconds: 1 },
    livenessProbe: { httpGet: { port: s.port, path: '/l' }, periodSeconds: 1, failureThreshold: 2 },
  }];
  s.set('/l', 500);
  m.sync(makePod(containers), [running('c1', s.port)]);
  await until(() => clock.sleeping === 2 && s.hits('/l') === 1, 'first round');
  const deleting = makePod(containers);
  deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date(clock.now()).toISOString() };
  m.sync(deleting, [running('c1', s.port)]);
  await until(() => clock.sleeping === 1, 'liveness stopped');
  clock.advance(1000);
  await until(() => s.hits('/r') === 2 && clock.sleeping === 1, 'readiness still probed');
  assert.equal(s.hits('/l'), 1);
  assert.equal(m.failed('uid-1', 'c1'), undefined);
  assert.equal(m.ready('uid-1', 'c1'), true);
});

test('sidecars (init containers with restartPolicy Always) are probed; other init containers are not', async (t) => {
  const s = await healthServer(t);
  const { clock, m, running } = setup(t);
  const probe = (path: string) => ({ httpGet: { port: s.port, path }, periodSeconds: 1 });
  const pod = makePod([{ name: 'app' }], {
    initContainers: [
      { name: 'proxy', restartPolicy: 'Always', readinessProbe: probe('/proxy') },
      { name: 'setup', readinessProbe: probe('/setup') },
    ],
  });
  m.sync(pod, [running('p1', s.port, 'proxy'), running('s1', s.port, 'setup')]);
  await until(() => s.hits('/proxy') === 1 && clock.sleeping === 1, 'sidecar probed');
  assert.equal(m.ready('uid-1', 'p1'), true);
  assert.equal(s.hits('/setup'), 0);
});
