// SPDX-License-Identifier: Apache-2.0
// The kubelet server on its own (authentication, authorization, routes, logs from real CRI-format
// files) and behind the API server (how kube-apiserver turns kubelet answers into kubectl errors).
// The backend is a test double standing for the kubelet; no container runtime is involved here
// (test/kubectl/streams.test.ts runs the streams against containerd).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { issueClientCert, issueServingCert } from '../../apiserver/auth/index.js';
import { startTestCluster, type TestCluster } from '../../../test/helpers/cluster.js';
import { freePort } from '../../../test/helpers/node.js';
import type { Pod } from '../api-types.js';
import { KubeletHttpError, startKubeletServer, type KubeletServerBackend, type RunningKubeletServer } from './index.js';

let c: TestCluster;
let kubelet: RunningKubeletServer;
let logPath: string;
let running = true;
const pods: Pod[] = [];
const creds: Record<string, { cert: string; key: string }> = {};

const waiting = 'container "app" in pod "waiting" is waiting to start: ContainerCreating';

const backend: KubeletServerBackend = {
  listPods: () => pods,
  getPod: (ns, name) => pods.find((p) => p.metadata?.namespace === ns && p.metadata?.name === name),
  containerLog: async (pod) => {
    if (pod.metadata?.name === 'waiting') throw new KubeletHttpError(400, waiting);
    return { path: logPath, isRunning: async () => running };
  },
  exec: async () => { throw new KubeletHttpError(500, 'container not found ("app")'); },
  attach: async () => { throw new KubeletHttpError(500, 'container not found ("app")'); },
  portForward: async () => { throw new KubeletHttpError(500, 'no sandbox'); },
  execSync: async (_pod, _c, command) => ({ stdout: Buffer.from(`ran ${command.join(' ')}\n`), stderr: Buffer.alloc(0), exitCode: 0 }),
};

function pod(name: string, nodeName: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `${name}-uid` },
    spec: { nodeName, containers: [{ name: 'app', image: 'busybox' }] } } as Pod;
}

before(async () => {
  c = await startTestCluster();
  logPath = join(c.dir, 'app.log');
  await writeFile(logPath, [
    '2026-11-24T23:23:20.090748072Z stdout F one',
    '2026-11-24T23:23:21.5Z stderr F two',
    '2026-11-24T23:23:22Z stdout P thr',
    '2026-11-24T23:23:22.1Z stdout F ee',
  ].join('\n') + '\n');
  const serving = await issueServingCert({ ca: c.pki.ca }, { commonName: 'node-a', ips: ['127.0.0.1'] });
  kubelet = await startKubeletServer({ host: '127.0.0.1', port: 0, tls: { cert: serving.certPem, key: serving.keyPem }, clientCA: c.pki.ca.certPem, backend });
  for (const [user, groups] of [['bob', []], ['kube-apiserver-kubelet-client', []]] as const) {
    const issued = await issueClientCert({ ca: c.pki.ca }, { commonName: user, organizations: [...groups] });
    creds[user] = { cert: issued.certPem, key: issued.keyPem };
  }
  creds['admin'] = { cert: c.pki.admin.certPem, key: c.pki.admin.keyPem };
  for (const [node, port] of [['node-a', kubelet.port], ['node-gone', await freePort()]] as const) {
    await c.kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: node } }) });
    await c.request('PATCH', `/api/v1/nodes/${node}/status`, { contentType: 'application/merge-patch+json',
      body: { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } } });
  }
  for (const p of [pod('web', 'node-a'), pod('waiting', 'node-a'), pod('lost', 'node-gone'), pod('elsewhere', 'node-a')]) {
    await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(p) });
    if (p.metadata?.name !== 'elsewhere') pods.push(p); // "elsewhere" is not on this kubelet
  }
});

after(async () => {
  await kubelet?.close();
  await c?.stop();
});

function call(path: string, opts: { user?: string; method?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const who = opts.user ? creds[opts.user] : undefined;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: kubelet.port, path, method: opts.method ?? 'GET', ca: c.pki.ca.certPem,
      ...(who ? { cert: who.cert, key: who.key } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('authentication and authorization: cluster-CA client certificates, masters and the API server only', async () => {
  assert.deepEqual(await call('/healthz').then((r) => [r.status, r.body]), [401, 'Unauthorized']);
  assert.deepEqual(await call('/healthz', { user: 'bob' }).then((r) => [r.status, r.body]),
    [403, 'Forbidden (user=bob, verb=get, resource=nodes, subresource(s)=[proxy])\n']);
  assert.deepEqual(await call('/stats/summary', { user: 'bob' }).then((r) => r.body), 'Forbidden (user=bob, verb=get, resource=nodes, subresource(s)=[stats])\n');
  assert.deepEqual(await call('/healthz', { user: 'admin' }).then((r) => [r.status, r.body]), [200, 'ok']);
  assert.deepEqual(await call('/healthz', { user: 'kube-apiserver-kubelet-client' }).then((r) => [r.status, r.body]), [200, 'ok']);
});

test('routes: /pods, unknown paths, methods, run', async () => {
  const list = await call('/pods', { user: 'admin' });
  assert.equal(list.status, 200);
  assert.deepEqual(JSON.parse(list.body).items.map((p: Pod) => p.metadata?.name), ['web', 'waiting', 'lost']);
  assert.equal((await call('/nope', { user: 'admin' })).status, 404);
  assert.equal((await call('/containerLogs/default/web/app', { user: 'admin', method: 'POST' })).status, 405);
  const exec = await call('/exec/default/web/app?command=true&output=1', { user: 'admin' });
  assert.deepEqual([exec.status, exec.body], [400, 'Upgrade request required']);
  const run = await call('/run/default/web/app?cmd=echo%20hi', { user: 'admin', method: 'POST' });
  assert.deepEqual([run.status, run.body], [200, 'ran echo hi\n']);
});

test('containerLogs: options, and kubelet\'s errors', async () => {
  const get = (q: string) => call(`/containerLogs/default/web/app${q}`, { user: 'admin' });
  assert.equal((await get('')).body, 'one\ntwo\nthree\n');
  assert.equal((await get('?timestamps=true&tailLines=2')).body, '2026-11-24T23:23:22.000000000Z three\n');
  assert.equal((await get('?sinceTime=2026-11-24T23:23:21Z')).body, 'two\nthree\n');
  assert.deepEqual(await get('?tailLines=-1').then((r) => [r.status, r.body]), [422, '{"message": "Invalid request."}']);
  assert.deepEqual(await get('?follow=perhaps').then((r) => [r.status, r.body]), [400, '{"message": "Unable to decode query."}']);
  assert.deepEqual(await call('/containerLogs/default/ghost/app', { user: 'admin' }).then((r) => [r.status, r.body]), [404, 'pod "ghost" does not exist']);
  assert.deepEqual(await call('/containerLogs/default/web/other', { user: 'admin' }).then((r) => [r.status, r.body]),
    [404, 'container "other" not found in pod "web"']);
  assert.deepEqual(await call('/containerLogs/default/waiting/app', { user: 'admin' }).then((r) => [r.status, r.body]), [400, waiting]);
});

test('kubectl logs through the API server, following until the container stops', async () => {
  assert.equal((await c.kubectl(['logs', 'web'])).stdout, 'one\ntwo\nthree\n');
  running = true;
  const follow = c.kubectlSpawn(['logs', '-f', 'web']);
  let out = '';
  follow.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => follow.once('exit', (code) => r(code)));
  try {
    await until(() => out === 'one\ntwo\nthree\n');
    await appendFile(logPath, '2026-11-24T23:23:23Z stdout F four\n');
    await until(() => out.endsWith('four\n'));
    running = false; // the container stopped: the kubelet ends the stream, kubectl exits 0
    assert.equal(await exited, 0);
  } finally {
    follow.kill();
    running = true;
  }
});

test('kubectl sees kubelet and connection errors as kube-apiserver reports them', async () => {
  const waitingLogs = await c.kubectlRaw(['logs', 'waiting']);
  assert.equal(waitingLogs.stderr.trim(), `Error from server (BadRequest): ${waiting}`);
  const elsewhere = await c.kubectlRaw(['logs', 'elsewhere']);
  assert.equal(elsewhere.stderr.trim(), 'Error from server (NotFound): the server could not find the requested resource ( pods/log elsewhere)');
  const lost = await c.kubectlRaw(['logs', 'lost']);
  assert.match(lost.stderr, /^Error from server: error dialing backend: dial tcp 127\.0\.0\.1:\d+: connect: connection refused\n$/);
  const exec = await c.kubectlRaw(['exec', 'web', '--', 'true']);
  assert.notEqual(exec.code, 0);
  assert.equal(exec.stderr, 'error: unable to upgrade connection: container not found ("app")\n');
  const invalid = await c.kubectlRaw(['get', '--raw', '/api/v1/namespaces/default/pods/web/log?tailLines=-2']);
  assert.match(invalid.stderr, /PodLogOptions "web" is invalid: tailLines: Invalid value: -2: must be greater than or equal to 0/);
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
