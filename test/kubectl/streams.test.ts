// The real kubectl against the API server's pods/log, exec, attach, portforward and nodes/proxy,
// through our kubelet server to a real containerd (root only): a Node and a Pod whose containers
// run in containerd (created directly through CRI in a host-network sandbox) and a kubelet server
// whose backend maps that pod to them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { issueServingCert } from '../../src/apiserver/auth/index.js';
import type { Pod } from '../../src/kubelet/api-types.js';
import { ensurePauseImage, importImageArchive, PAUSE_IMAGE } from '../../src/kubelet/images/index.js';
import { startContainerd, type ContainerdProcess } from '../../src/kubelet/runtime/containerd/index.js';
import { CriClient } from '../../src/kubelet/runtime/cri/index.js';
import { KubeletHttpError, startKubeletServer, type KubeletServerBackend, type RunningKubeletServer } from '../../src/kubelet/server/index.js';
import { eventually, KUBECTL, kubectlOfVersion, startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { buildTestImages, TEST_IMAGE_REFS, WEB_INDEX_TEXT } from '../helpers/images.js';
import { freePort } from '../helpers/node.js';

const run = promisify(execFile);
const NODE = 'stream-node';
const POD = 'streams';
// Prints five lines (and one on stderr), then two more once /tmp/go exists.
// (stdout and stderr reach the log through separate pipes: the pause keeps their order certain)
const COUNTER = 'for i in 1 2 3 4 5; do echo "line $i"; done; sleep 0.5; echo "to stderr" >&2; ' +
  'while [ ! -f /tmp/go ]; do sleep 0.1; done; echo "line 6"; echo "line 7"; exec sleep 3600';

let c: TestCluster;
let dir: string;
let containerd: ContainerdProcess;
let cri: CriClient;
let kubelet: RunningKubeletServer;
let sandbox: string;
let webPort: number;
const ids: Record<string, string> = {};

before(async () => {
  c = await startTestCluster();
  dir = await mkdtemp(join(tmpdir(), 'k8s-st-'));
  const [pause, images] = await Promise.all([ensurePauseImage(join(tmpdir(), 'k8ts-pause-cache')), buildTestImages()]);
  containerd = await startContainerd({ dataDir: join(dir, 'c'), streamPort: await freePort(), sandboxImage: PAUSE_IMAGE, cniConfDir: join(dir, 'cni') });
  await importImageArchive({ address: containerd.socketPath, archive: pause.archive });
  await importImageArchive({ address: containerd.socketPath, archive: images.web });
  cri = new CriClient(containerd.address);
  const sandboxConfig = {
    metadata: { name: POD, uid: 'streams-uid', namespace: 'default', attempt: 0 },
    log_directory: join(dir, 'logs'),
    linux: { security_context: { namespace_options: { network: 'NODE' as const, pid: 'CONTAINER' as const, ipc: 'POD' as const } } },
  };
  sandbox = await cri.runPodSandbox(sandboxConfig);
  webPort = await freePort();
  const image = { image: TEST_IMAGE_REFS.web };
  const containers = {
    web: { metadata: { name: 'web', attempt: 0 }, image, envs: [{ key: 'PORT', value: String(webPort) }], log_path: 'web/0.log' },
    counter: { metadata: { name: 'counter', attempt: 0 }, image, command: ['sh', '-c', COUNTER], log_path: 'counter/0.log' },
    echo: { metadata: { name: 'echo', attempt: 0 }, image, command: ['sh', '-c', 'while read l; do echo "got $l"; done; echo bye'],
      stdin: true, stdin_once: true, log_path: 'echo/0.log' },
  };
  for (const [name, config] of Object.entries(containers)) {
    ids[name] = await cri.createContainer(sandbox, config, sandboxConfig);
    await cri.startContainer(ids[name] as string);
  }

  // The kubelet server, serving with a certificate of the cluster CA for the node's IP.
  const serving = await issueServingCert({ ca: c.pki.ca }, { commonName: NODE, ips: ['127.0.0.1'] });
  kubelet = await startKubeletServer({
    host: '127.0.0.1', port: 0, tls: { cert: serving.certPem, key: serving.keyPem }, clientCA: c.pki.ca.certPem, backend: backend(),
  });

  await c.kubectl(['create', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'v1', kind: 'Node', metadata: { name: NODE },
  }) });
  await c.request('PATCH', `/api/v1/nodes/${NODE}/status`, { contentType: 'application/merge-patch+json', body: { status: {
    addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: NODE }],
    daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
  } } });
  await c.kubectl(['create', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: POD, namespace: 'default' },
    spec: { nodeName: NODE, containers: [
      { name: 'web', image: TEST_IMAGE_REFS.web, ports: [{ containerPort: webPort }] },
      { name: 'counter', image: TEST_IMAGE_REFS.web },
      { name: 'echo', image: TEST_IMAGE_REFS.web, stdin: true, stdinOnce: true },
    ] },
  }) });
  const now = new Date().toISOString();
  const status = (name: string) => ({ name, ready: true, restartCount: 0, image: TEST_IMAGE_REFS.web, imageID: '', started: true,
    containerID: `containerd://${ids[name]}`, state: { running: { startedAt: now } } });
  const patched = await c.request('PATCH', `/api/v1/namespaces/default/pods/${POD}/status`, { contentType: 'application/merge-patch+json', body: { status: {
    phase: 'Running', hostIP: '127.0.0.1', podIP: '127.0.0.1', startTime: now,
    conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: ['web', 'counter', 'echo'].map(status),
  } } });
  assert.equal(patched.status, 200, patched.body);
  // The web server answers before the tests start.
  await eventually(async () => (await httpText(webPort)).includes(WEB_INDEX_TEXT), 10_000, 'busybox httpd');
});

after(async () => {
  await kubelet?.close();
  cri?.close();
  await containerd?.stop({ removePods: true });
  await c?.stop();
  await run('umount', ['-R', dir]).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The kubelet's side as a test double: the pod is ours, its containers are the ones created above. */
function backend(): KubeletServerBackend {
  const podOf = async (ns: string, name: string): Promise<Pod | undefined> => {
    if (ns !== 'default' || name !== POD) return undefined;
    const r = await c.request('GET', `/api/v1/namespaces/default/pods/${POD}`);
    return r.status === 200 ? (r.json() as Pod) : undefined;
  };
  const id = (container: string): string => {
    const found = ids[container];
    if (!found) throw new KubeletHttpError(500, `container not found ("${container}")`);
    return found;
  };
  return {
    listPods: async () => [await podOf('default', POD)].filter((p): p is Pod => p !== undefined),
    getPod: podOf,
    containerLog: async (pod, container, previous) => {
      if (previous) throw new KubeletHttpError(400, `previous terminated container "${container}" in pod "${pod.metadata?.name}" not found`);
      const cid = id(container);
      const st = await cri.containerStatus(cid);
      return {
        path: st.status?.log_path ?? '',
        isRunning: async () => (await cri.containerStatus(cid)).status?.state === 'CONTAINER_RUNNING',
      };
    },
    exec: (_pod, container, p) => cri.exec({ container_id: id(container), cmd: [...p.command], stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, tty: p.tty }),
    attach: (_pod, container, p) => cri.attach({ container_id: id(container), stdin: p.stdin, stdout: p.stdout, stderr: p.stderr, tty: p.tty }),
    portForward: (_pod, ports) => cri.portForward({ pod_sandbox_id: sandbox, port: [...ports] }),
    execSync: async (_pod, container, command, timeout) => {
      const r = await cri.execSync(id(container), [...command], timeout);
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exit_code };
    },
  };
}

function httpText(port: number, path = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

test('kubectl logs: all, --tail, --timestamps, stderr interleaved', async () => {
  const all = await c.kubectl(['logs', POD, '-c', 'counter']);
  assert.equal(all.stdout, 'line 1\nline 2\nline 3\nline 4\nline 5\nto stderr\n');
  const tail = await c.kubectl(['logs', POD, '-c', 'counter', '--tail=2']);
  assert.equal(tail.stdout, 'line 5\nto stderr\n');
  const ts = await c.kubectl(['logs', POD, '-c', 'counter', '--tail=1', '--timestamps']);
  assert.match(ts.stdout, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z to stderr\n$/);
  const limited = await c.kubectl(['logs', POD, '-c', 'counter', '--limit-bytes=9']);
  assert.equal(limited.stdout, 'line 1\nli');
});

test('kubectl logs: errors as kube words them', async () => {
  const bad = await c.kubectlRaw(['logs', POD, '-c', 'nope']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /container nope is not valid for pod streams/);
  const which = await c.kubectlRaw(['get', '--raw', `/api/v1/namespaces/default/pods/${POD}/log`]);
  assert.notEqual(which.code, 0);
  assert.match(which.stderr, /a container name must be specified for pod streams, choose one of: \[web counter echo\]/);
  const previous = await c.kubectlRaw(['logs', POD, '-c', 'web', '--previous']);
  assert.notEqual(previous.code, 0);
  assert.match(previous.stderr, /Error from server \(BadRequest\): previous terminated container "web" in pod "streams" not found/);
});

test('kubectl exec: output and exit codes, over WebSocket v5 and SPDY', async () => {
  const hi = await c.kubectl(['exec', POD, '-c', 'web', '-v=4', '--', 'echo', 'hi']);
  assert.equal(hi.stdout, 'hi\n');
  assert.match(hi.stderr, /The subprotocol is v5\.channel\.k8s\.io/, 'kubectl used the WebSocket v5 protocol');
  const three = await c.kubectlRaw(['exec', POD, '-c', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(three.code, 3);
  assert.equal(three.stdout, 'out\n');
  assert.match(three.stderr, /^err\n/);
  assert.match(three.stderr, /command terminated with exit code 3/);
  const spdy = await c.kubectlRaw(['exec', POD, '-c', 'web', '--', 'sh', '-c', 'echo via spdy; exit 4'], { env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } });
  assert.equal(spdy.code, 4);
  assert.equal(spdy.stdout, 'via spdy\n');
});

test('kubectl exec -i: stdin reaches the command and its end closes it', async () => {
  const input = 'first line\nsecond line\n';
  const cat = await c.kubectl(['exec', '-i', POD, '-c', 'web', '--', 'cat'], { input });
  assert.equal(cat.stdout, input);
  const wc = await c.kubectl(['exec', '-i', POD, '-c', 'web', '--', 'sh', '-c', 'wc -c; echo done'], { input: 'x'.repeat(200_000) });
  assert.equal(wc.stdout.trim().split(/\s+/).join(' '), '200000 done');
  const spdy = await c.kubectl(['exec', '-i', POD, '-c', 'web', '--', 'cat'], { input, env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } });
  assert.equal(spdy.stdout, input);
});

test('kubectl cp: a file into the pod and back', async () => {
  const local = join(c.dir, 'payload.bin');
  const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
  await writeFile(local, content);
  await c.kubectl(['cp', local, `default/${POD}:/tmp/payload.bin`, '-c', 'web']);
  const size = await c.kubectl(['exec', POD, '-c', 'web', '--', 'sh', '-c', 'wc -c < /tmp/payload.bin']);
  assert.equal(size.stdout.trim(), '300000');
  const back = join(c.dir, 'back.bin');
  await c.kubectl(['cp', `default/${POD}:/tmp/payload.bin`, back, '-c', 'web']);
  assert.deepEqual(await readFile(back), content);
});

test('kubectl logs -f follows new lines', async () => {
  const follow = c.kubectlSpawn(['logs', '-f', POD, '-c', 'counter']);
  let out = '';
  follow.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    await eventually(() => out.includes('line 5'), 10_000, 'the first lines');
    await c.kubectl(['exec', POD, '-c', 'counter', '--', 'touch', '/tmp/go']);
    await eventually(() => out.includes('line 7'), 10_000, 'lines written after the follow started');
    assert.equal(out, 'line 1\nline 2\nline 3\nline 4\nline 5\nto stderr\nline 6\nline 7\n');
  } finally {
    follow.kill();
  }
});

test('kubectl attach -i: stdin to the container, output back until it exits', async () => {
  const r = await c.kubectl(['attach', '-i', POD, '-c', 'echo'], { input: 'hello\nworld\n', timeoutMs: 20_000 });
  assert.match(r.stdout, /got hello\ngot world\nbye\n/);
});

test('kubectl port-forward: HTTP through the tunnel (WebSocket) and plain SPDY', async () => {
  const envs: Array<Record<string, string>> = [{}, { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }];
  for (const env of envs) {
    const local = await freePort();
    const pf = spawnKubectl(['port-forward', '-v=4', `pod/${POD}`, `${local}:${webPort}`], env);
    let err = '';
    let out = '';
    pf.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    pf.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    try {
      await eventually(() => out.includes(`Forwarding from 127.0.0.1:${local}`), 10_000, `port-forward ready: ${out} ${err}`);
      // Two connections over one session (one CRI PortForward URL).
      assert.match(await httpText(local), new RegExp(WEB_INDEX_TEXT));
      assert.equal((await httpText(local, '/healthz')).trim(), 'ok');
      if (Object.keys(env).length === 0) {
        assert.doesNotMatch(err, /fallback to secondary dialer/, 'the WebSocket tunnel was used');
        assert.match(err, /negotiated protocol: portforward\.k8s\.io/);
      }
    } finally {
      pf.kill();
    }
  }
});

test('kubectl get --raw through nodes/proxy reaches the kubelet', async () => {
  const health = await c.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/healthz`]);
  assert.equal(health.stdout, 'ok');
  const pods = JSON.parse((await c.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/pods`])).stdout);
  assert.equal(pods.kind, 'PodList');
  assert.deepEqual(pods.items.map((p: Pod) => p.metadata?.name), [POD]);
  const logs = await c.kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/containerLogs/default/${POD}/counter?tailLines=1`]);
  assert.equal(logs.stdout, 'line 7\n');
});

test('a pod without a node: exec is refused as kube refuses it', async () => {
  await c.kubectl(['create', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unscheduled', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: TEST_IMAGE_REFS.web }] },
  }) });
  const r = await c.kubectlRaw(['exec', 'unscheduled', '--', 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Error from server \(BadRequest\): pod unscheduled does not have a host assigned/);
  const logs = await c.kubectl(['logs', 'unscheduled']);
  assert.equal(logs.stdout, '');
});

test('kubectl exec -it: a terminal session (tmux)', async () => {
  const socket = `k8ts-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const cmd = `env KUBECONFIG=${c.kubeconfig} HOME=${c.dir} ${KUBECTL} exec -it ${POD} -c web -- sh`;
  await tmux('new-session', '-d', '-s', 'exec', '-x', '120', '-y', '30', cmd);
  try {
    const screen = async () => (await tmux('capture-pane', '-p', '-t', 'exec')).stdout;
    await eventually(async () => (await screen()).includes('#'), 10_000, 'a shell prompt');
    await tmux('send-keys', '-t', 'exec', 'echo tty-$((6*7)); tty; stty size', 'Enter');
    await eventually(async () => /tty-42/.test(await screen()) && /\/dev\/pts\/\d+/.test(await screen()), 10_000, 'the command output');
    // The terminal size kubectl sent over the resize channel.
    assert.match(await screen(), /^30 120$/m);
    await tmux('send-keys', '-t', 'exec', 'exit', 'Enter');
    await eventually(async () => (await tmux('has-session', '-t', 'exec').then(() => false, () => true)), 10_000, 'kubectl to exit');
  } finally {
    await tmux('kill-server').catch(() => undefined);
  }
});

test('a JavaScript client (@kubernetes/client-node Exec, WebSocket v5): stdin, output and status', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  let stdout = '';
  const out = new PassThrough();
  out.on('data', (d: Buffer) => { stdout += d.toString(); });
  const status = await new Promise<V1Status>((resolve, reject) => {
    new Exec(kc).exec('default', POD, 'web', ['sh', '-c', 'cat; exit 2'], out, new PassThrough(), Readable.from([Buffer.from('from client-node\n')]), false,
      (s) => resolve(s)).catch(reject);
  });
  assert.equal(stdout, 'from client-node\n');
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '2' }]);
});

test('a WebSocket v4 client goes through to the runtime byte for byte', async () => {
  const url = new URL(`/api/v1/namespaces/default/pods/${POD}/exec?container=web&command=sh&command=-c&command=echo%20v4%3B%20echo%20e%20%3E%262&stdout=true&stderr=true`, c.url);
  url.protocol = 'wss:';
  const ws = new WebSocket(url, ['v4.channel.k8s.io'], { ca: c.pki.ca.certPem, cert: c.pki.admin.certPem, key: c.pki.admin.keyPem });
  const got: Record<number, string> = {};
  ws.on('message', (m: Buffer) => { got[m[0] as number] = (got[m[0] as number] ?? '') + m.subarray(1).toString(); });
  await new Promise<void>((resolve, reject) => { ws.once('close', () => resolve()); ws.once('error', reject); });
  assert.equal(ws.protocol, 'v4.channel.k8s.io');
  assert.equal(got[1], 'v4\n');
  assert.equal(got[2], 'e\n');
  assert.equal(JSON.parse(got[3] ?? '{}').status, 'Success');
});

// kubectl 1.27 to 1.29 speak SPDY for exec and port-forward; 1.30 speaks WebSocket v5 for exec and
// plain SPDY for port-forward (its tunnelling was off by default); 1.33 is newer than the kubectl on
// the PATH.
for (const version of ['1.27', '1.29', '1.30', '1.33']) {
  test(`kubectl ${version}: exec with stdin to its end and an exit code, port-forward`, async (t) => {
    const bin = await kubectlOfVersion(version);
    if (!bin) { t.skip(`kubectl.${version} not found`); return; }
    const env = { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir, KUBECACHEDIR: join(c.dir, `kube-cache-${version}`) };
    const cat = await new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = execFile(bin, ['exec', '-i', POD, '-c', 'web', '--', 'sh', '-c', 'cat; exit 5'], { env }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout: stdout || stderr }));
      child.stdin?.end(`from kubectl ${version}\n`);
    });
    assert.deepEqual(cat, { code: 5, stdout: `from kubectl ${version}\n` });
    const local = await freePort();
    const pf = execFile(bin, ['port-forward', `pod/${POD}`, `${local}:${webPort}`], { env });
    let out = '';
    pf.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await eventually(() => out.includes(`Forwarding from 127.0.0.1:${local}`), 10_000, 'port-forward ready');
      assert.match(await httpText(local), new RegExp(WEB_INDEX_TEXT));
    } finally {
      pf.kill();
    }
  });
}

function spawnKubectl(args: string[], env: Record<string, string>) {
  const child = execFile(KUBECTL, args, { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir, KUBECACHEDIR: join(c.dir, 'kube-cache'), ...env } });
  return child;
}

