// One probe attempt (runProbe) against real servers on 127.0.0.1, a real child process for exec and
// a real gRPC health server: results and the kubelet's texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CriError } from '../runtime/cri/errors.js';
import { ExecTimeoutError, expandProbeCommand, healthServiceDefinition, runProbe, type ProbeTarget } from './index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer { port: number; requests: Array<{ url: string; headers: IncomingHttpHeaders }>; close(): Promise<void> }

async function listen(server: http.Server | https.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function httpServer(handler: Handler, tls?: { key: string; cert: string }): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const onRequest: Handler = (req, res) => { requests.push({ url: req.url ?? '', headers: req.headers }); handler(req, res); };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  const port = await listen(server);
  return {
    port,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** target.exec as a CRI runtime does it, with a local child process standing in for the container. */
function execLocally(cmd: string[], timeoutSeconds: number): ReturnType<ProbeTarget['exec']> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout kills the command's children too (sh -c sleep).
    const child = spawn(cmd[0] ?? '', cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new ExecTimeoutError(`timeout ${timeoutSeconds}s exceeded`));
      else resolve({ exitCode: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

function target(o: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    podIP: '127.0.0.1', hostIP: '127.0.0.1', hostNetwork: false, containerId: 'c1', ports: [],
    exec: execLocally, ...o,
  };
}

test('httpGet: 200 is success with the body as output; kubelet headers, custom headers, Host and query are sent', async (t) => {
  const s = await httpServer((_req, res) => res.end('ok body'));
  t.after(() => s.close());
  const r = await runProbe({
    httpGet: {
      port: s.port, path: '/healthz?full=1',
      httpHeaders: [{ name: 'x-custom-header', value: 'a' }, { name: 'X-Custom-Header', value: 'b' }, { name: 'Host', value: 'app.example' }],
    },
  }, target(), 1000);
  assert.deepEqual(r, { result: 'success', output: 'ok body' });
  const req = s.requests[0];
  assert.ok(req);
  assert.equal(req.url, '/healthz?full=1');
  assert.equal(req.headers['user-agent'], 'kube-probe/1.32');
  assert.equal(req.headers.accept, '*/*');
  assert.equal(req.headers.host, 'app.example');
  assert.equal(req.headers.connection, 'close');
  assert.equal(req.headers['x-custom-header'], 'a, b');
  assert.equal(req.headers['accept-encoding'], undefined);
});

test('httpGet: a User-Agent of the probe replaces the kubelet\'s; an empty Accept removes it; no path asks for /', async (t) => {
  const s = await httpServer((_req, res) => res.end());
  t.after(() => s.close());
  const r = await runProbe({
    httpGet: { port: s.port, httpHeaders: [{ name: 'User-Agent', value: 'mine/1' }, { name: 'Accept', value: '' }] },
  }, target(), 1000);
  assert.equal(r.result, 'success');
  assert.equal(s.requests[0]?.url, '/');
  assert.equal(s.requests[0]?.headers['user-agent'], 'mine/1');
  assert.equal(s.requests[0]?.headers.accept, undefined);
});

test('httpGet: status 400 and up fail with the kubelet\'s text, never the body; 399 succeeds', async (t) => {
  const s = await httpServer((req, res) => {
    res.statusCode = Number(req.url?.slice(1));
    res.end('secret body');
  });
  t.after(() => s.close());
  for (const [code, want] of [
    [404, { result: 'failure', output: 'HTTP probe failed with statuscode: 404' }],
    [500, { result: 'failure', output: 'HTTP probe failed with statuscode: 500' }],
    [204, { result: 'success', output: '' }],
  ] as const) {
    assert.deepEqual(await runProbe({ httpGet: { port: s.port, path: `/${code}` } }, target(), 1000), want, `status ${code}`);
  }
  // A 3xx without Location is not followed: a warning (counts as success).
  assert.deepEqual(await runProbe({ httpGet: { port: s.port, path: '/399' } }, target(), 1000),
    { result: 'warning', output: 'Probe terminated redirects, Response body: secret body' });
});

test('httpGet: connection refused reads as Go\'s dial error', async () => {
  const port = await closedPort();
  const r = await runProbe({ httpGet: { port, path: '/healthz' } }, target(), 1000);
  assert.deepEqual(r, {
    result: 'failure',
    output: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
  });
});

test('httpGet: no answer within the timeout is a failure with Go\'s Client.Timeout text', async (t) => {
  const s = await httpServer(() => undefined); // never answers
  t.after(() => s.close());
  const t0 = Date.now();
  const r = await runProbe({ httpGet: { port: s.port, path: '/slow' } }, target(), 300);
  const took = Date.now() - t0;
  assert.deepEqual(r, {
    result: 'failure',
    output: `Get "http://127.0.0.1:${s.port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
  });
  assert.ok(took >= 290 && took < 2000, `took ${took} ms`);
});

test('httpGet: a body that does not finish within the timeout makes the attempt unknown', async (t) => {
  const s = await httpServer((_req, res) => { res.writeHead(200); res.write('partial'); });
  t.after(() => s.close());
  const r = await runProbe({ httpGet: { port: s.port } }, target(), 300);
  assert.deepEqual(r, { result: 'unknown', output: 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' });
});

test('httpGet: only the first 10 KiB of the body are read', async (t) => {
  const s = await httpServer((_req, res) => res.end('x'.repeat(1024 * 1024)));
  t.after(() => s.close());
  const r = await runProbe({ httpGet: { port: s.port } }, target(), 2000);
  assert.equal(r.result, 'success');
  assert.equal(r.output.length, 10 * 1024);
});

test('httpGet: redirects on the same host are followed, with the headers and a Referer', async (t) => {
  const s = await httpServer((req, res) => {
    if (req.url === '/old') { res.writeHead(302, { location: '/new?x=1' }); res.end(); return; }
    if (req.url === '/new?x=1') { res.writeHead(301, { location: `http://127.0.0.1:${s.port}/final` }); res.end(); return; }
    res.end('landed');
  });
  t.after(() => s.close());
  const r = await runProbe({ httpGet: { port: s.port, path: '/old', httpHeaders: [{ name: 'X-Token', value: 't' }] } }, target(), 1000);
  assert.deepEqual(r, { result: 'success', output: 'landed' });
  assert.deepEqual(s.requests.map((q) => q.url), ['/old', '/new?x=1', '/final']);
  const last = s.requests[2];
  assert.equal(last?.headers['x-token'], 't');
  assert.equal(last?.headers['user-agent'], 'kube-probe/1.32');
  assert.equal(last?.headers.referer, `http://127.0.0.1:${s.port}/new?x=1`);
});

test('httpGet: a redirect loop stops after 10 requests; a redirect to another host is a warning, not followed', async (t) => {
  const other = await httpServer((_req, res) => res.end('elsewhere'));
  t.after(() => other.close());
  const s = await httpServer((req, res) => {
    if (req.url === '/away') { res.writeHead(302, { location: `http://localhost:${other.port}/` }); res.end('moved'); return; }
    res.writeHead(307, { location: '/loop' });
    res.end();
  });
  t.after(() => s.close());
  const loop = await runProbe({ httpGet: { port: s.port, path: '/loop' } }, target(), 2000);
  assert.deepEqual(loop, { result: 'failure', output: 'Get "/loop": stopped after 10 redirects' });
  assert.equal(s.requests.length, 10);
  const away = await runProbe({ httpGet: { port: s.port, path: '/away' } }, target(), 1000);
  assert.deepEqual(away, { result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
  assert.equal(other.requests.length, 0);
});

test('httpGet: named ports resolve through the container\'s ports; a digit string is a number; others are unknown', async (t) => {
  const s = await httpServer((_req, res) => res.end('named'));
  t.after(() => s.close());
  const ports = [{ name: 'http', containerPort: s.port }];
  assert.equal((await runProbe({ httpGet: { port: 'http' } }, target({ ports }), 1000)).result, 'success');
  assert.equal((await runProbe({ httpGet: { port: String(s.port) } }, target(), 1000)).result, 'success');
  assert.deepEqual(await runProbe({ httpGet: { port: 'metrics' } }, target({ ports }), 1000),
    { result: 'unknown', output: 'strconv.Atoi: parsing "metrics": invalid syntax' });
  assert.deepEqual(await runProbe({ tcpSocket: { port: 70000 } }, target(), 1000), { result: 'unknown', output: 'invalid port number: 70000' });
});

test('httpGet: HTTPS is probed without verifying the certificate; hostNetwork pods use the host IP', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-probe-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
      '-days', '1', '-subj', '/CN=probe-test'], { stdio: 'ignore' });
  } catch {
    t.skip('openssl is not installed');
    return;
  }
  const s = await httpServer((_req, res) => res.end('secure'), { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') });
  t.after(() => s.close());
  const r = await runProbe({ httpGet: { port: s.port, scheme: 'HTTPS', path: '/tls' } },
    target({ podIP: '', hostIP: '127.0.0.1', hostNetwork: true }), 2000);
  assert.deepEqual(r, { result: 'success', output: 'secure' });
  // Plain HTTP to the TLS port fails (the server hangs up on it).
  const plain = await runProbe({ httpGet: { port: s.port } }, target(), 1000);
  assert.equal(plain.result, 'failure');
});

test('tcpSocket: an open port succeeds; a closed one fails with Go\'s dial error', async (t) => {
  const s = net.createServer((c) => c.destroy());
  const port = await listen(s);
  t.after(() => s.close());
  assert.deepEqual(await runProbe({ tcpSocket: { port } }, target(), 1000), { result: 'success', output: '' });
  assert.deepEqual(await runProbe({ tcpSocket: { port: 'db' } }, target({ ports: [{ name: 'db', containerPort: port }] }), 1000),
    { result: 'success', output: '' });
  const closed = await closedPort();
  assert.deepEqual(await runProbe({ tcpSocket: { port: closed } }, target(), 1000),
    { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('tcpSocket and httpGet: a connect that hangs (full accept queue) times out with Go\'s texts', async (t) => {
  // A listener that never accepts, its queue filled, so the kernel drops further SYNs: Node cannot
  // make one (it accepts at once), a three-line Python program can.
  const script = [
    'import socket, time',
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
    'port = s.getsockname()[1]; fill = []',
    'for i in range(3):',
    '    c = socket.socket(); c.setblocking(False)',
    '    try: c.connect(("127.0.0.1", port))',
    '    except BlockingIOError: pass',
    '    fill.append(c)',
    'print(port, flush=True); time.sleep(60)',
  ].join('\n');
  const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number | undefined>((resolve) => {
    child.once('error', () => resolve(undefined));
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  t.after(() => { if (child.pid) process.kill(child.pid, 'SIGKILL'); });
  if (!port) { t.skip('python3 is not installed'); return; }
  assert.deepEqual(await runProbe({ tcpSocket: { port } }, target(), 300),
    { result: 'failure', output: `dial tcp 127.0.0.1:${port}: i/o timeout` });
  assert.deepEqual(await runProbe({ httpGet: { port, path: '/x' } }, target(), 300), {
    result: 'failure',
    output: `Get "http://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: i/o timeout (Client.Timeout exceeded while awaiting headers)`,
  });
});

test('exec: exit 0 succeeds and non-zero fails, with stdout then stderr as output', async () => {
  const ok = await runProbe({ exec: { command: ['sh', '-c', 'echo out; echo err >&2'] } }, target(), 2000);
  assert.deepEqual(ok, { result: 'success', output: 'out\nerr\n' });
  const bad = await runProbe({ exec: { command: ['sh', '-c', 'echo "cat: can\'t open \'/tmp/healthy\'" >&2; exit 1'] } }, target(), 2000);
  assert.deepEqual(bad, { result: 'failure', output: 'cat: can\'t open \'/tmp/healthy\'\n' });
  const big = await runProbe({ exec: { command: ['sh', '-c', 'head -c 50000 /dev/zero | tr "\\0" y'] } }, target(), 2000);
  assert.equal(big.output.length, 10 * 1024);
});

test('exec: a timeout is a failure with the kubelet\'s "command … timed out"; other runtime errors are unknown', async () => {
  const t0 = Date.now();
  const slow = await runProbe({ exec: { command: ['sh', '-c', 'sleep 5'] } }, target(), 1000);
  assert.deepEqual(slow, { result: 'failure', output: 'command "sh -c sleep 5" timed out' });
  assert.ok(Date.now() - t0 < 3000);
  // What containerd answers on a timed-out ExecSync, as the CRI client reports it.
  const cri = await runProbe({ exec: { command: ['true'] } },
    target({ exec: () => Promise.reject(new CriError('ExecSync', grpc.status.DEADLINE_EXCEEDED, 'timeout 1s exceeded: context deadline exceeded')) }), 1000);
  assert.deepEqual(cri, { result: 'failure', output: 'command "true" timed out' });
  const gone = await runProbe({ exec: { command: ['true'] } },
    target({ exec: () => Promise.reject(new CriError('ExecSync', grpc.status.NOT_FOUND, 'container is not created or running')) }), 1000);
  assert.deepEqual(gone, { result: 'unknown', output: 'rpc error: code = NotFound desc = container is not created or running' });
  const missing = await runProbe({ exec: { command: ['/nonexistent/probe'] } }, target(), 1000);
  assert.equal(missing.result, 'unknown');
});

test('grpc: Health/Check SERVING succeeds; other statuses, a server without the service and no server fail with kubelet texts', async (t) => {
  const statuses: Record<string, number> = { '': 1, db: 2 };
  const agents: string[] = [];
  const server = new grpc.Server();
  server.addService(healthServiceDefinition, {
    Check: (call: grpc.ServerUnaryCall<{ service: string }, { status: number }>, cb: grpc.sendUnaryData<{ status: number }>) => {
      agents.push(String(call.metadata.get('user-agent')[0] ?? ''));
      const status = statuses[call.request.service];
      if (status === undefined) cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
      else cb(null, { status });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.after(() => server.forceShutdown());
  const bare = new grpc.Server();
  const barePort = await new Promise<number>((resolve, reject) =>
    bare.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.after(() => bare.forceShutdown());

  assert.deepEqual(await runProbe({ grpc: { port } }, target(), 2000), { result: 'success', output: 'service healthy' });
  assert.match(agents[0] ?? '', /^kube-probe\/1\.32/);
  assert.deepEqual(await runProbe({ grpc: { port, service: 'db' } }, target(), 2000),
    { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  assert.deepEqual(await runProbe({ grpc: { port, service: 'cache' } }, target(), 2000),
    { result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
  const unimpl = await runProbe({ grpc: { port: barePort } }, target(), 2000);
  assert.equal(unimpl.result, 'failure');
  assert.match(unimpl.output, /^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  const closed = await closedPort();
  assert.deepEqual(await runProbe({ grpc: { port: closed } }, target(), 500), {
    result: 'failure',
    output: `timeout: failed to connect service "127.0.0.1:${closed}" within 500ms: context deadline exceeded`,
  });
});

test('a probe without a handler is unknown', async () => {
  assert.deepEqual(await runProbe({}, target(), 1000), { result: 'unknown', output: 'missing probe handler' });
});

test('exec commands expand $(VAR) from literal env values only, as the kubelet does for probes', () => {
  const env = [{ name: 'A', value: 'x' }, { name: 'FROM_SECRET', valueFrom: {} }];
  assert.deepEqual(
    expandProbeCommand(['$(A)', 'a$(A)b', '$$(A)', '$(MISSING)', '$(FROM_SECRET)', '$(A', 'cost $5', '$', '$$$(A)'], env),
    ['x', 'axb', '$(A)', '$(MISSING)', '', '$(A', 'cost $5', '$', '$x'],
  );
});
