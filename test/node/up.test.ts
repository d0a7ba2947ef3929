// Issue 4's "what must be shown", with the real kubectl against a cluster made by `k8ts up` (root:
// containerd, runc, CNI) and removed by `k8ts down`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../helpers/cluster.js';
import { startTestRegistry, type TestRegistry } from '../helpers/registry.js';
import { startUpCluster, type UpCluster } from '../helpers/up-cluster.js';

const run = promisify(execFile);
const root = process.getuid?.() === 0;

interface PodJson {
  metadata: { name: string; uid: string };
  status: {
    phase?: string; podIP?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: Array<{ name: string; ready: boolean; restartCount: number; containerID?: string; state: Record<string, { reason?: string; message?: string; exitCode?: number } | undefined>; lastState: Record<string, { exitCode?: number; reason?: string } | undefined> }>;
  };
}

describe('k8ts up: real pods with the real kubectl', { skip: root ? false : 'needs root (containerd, CNI)', timeout: 600_000 }, () => {
  let c: UpCluster;
  let registry: TestRegistry;
  let priv: TestRegistry;

  before(async () => {
    [registry, priv] = await Promise.all([startTestRegistry(), startTestRegistry({ auth: { username: 'puller', password: 'pa55' } })]);
    c = await startUpCluster();
  });
  after(async () => {
    if (c && existsSync(join(c.dir, 'up.json'))) await c.down();
    await registry?.stop();
    await priv?.stop();
    if (c) await rm(c.dir, { recursive: true, force: true });
  });

  const pod = async (name: string): Promise<PodJson> => JSON.parse((await c.kubectl(['get', 'pod', name, '-o', 'json'])).stdout) as PodJson;
  const podsOf = async (selector: string): Promise<PodJson[]> => (JSON.parse((await c.kubectl(['get', 'pods', '-l', selector, '-o', 'json'])).stdout) as { items: PodJson[] }).items;
  const ready = (p: PodJson) => p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

  it('k8ts up gives a Ready node and says how to use kubectl', async () => {
    assert.match(c.upOutput, /export KUBECONFIG=/);
    const nodes = (await c.kubectl(['get', 'nodes', '--no-headers'])).stdout;
    assert.match(nodes, /^up-\w+\s+Ready\s/m);
  });

  it('a Deployment of 2 web pods with env, probes and a pull policy runs, serves its page, shows its env', async () => {
    const manifest = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{
              name: 'web', image: registry.images.web, imagePullPolicy: 'IfNotPresent',
              env: [{ name: 'GREETING', value: 'hello-k8ts' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              ports: [{ containerPort: 80, name: 'http' }],
              readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2 },
              livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5 },
            }],
          },
        },
      },
    };
    await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
    await c.kubectl(['rollout', 'status', 'deployment/web', '--timeout=120s'], { timeoutMs: 130_000 });
    const pods = await podsOf('app=web');
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.equal(p.status.phase, 'Running');
      assert.ok(ready(p), `${p.metadata.name} Ready`);
      assert.match(p.status.podIP ?? '', /^10\.\d+\.\d+\.\d+$/);
      const page = (await run('curl', ['-s', '--max-time', '5', `http://${p.status.podIP}:80/`])).stdout;
      assert.match(page, /k8ts test web server/);
    }
    const env = (await c.kubectl(['exec', pods[0]!.metadata.name, '--', 'env'])).stdout;
    assert.match(env, /^GREETING=hello-k8ts$/m);
    assert.match(env, new RegExp(`^POD_NAME=${pods[0]!.metadata.name}$`, 'm'));
  });

  it('logs -f, exec -it, port-forward and cp work', async () => {
    await c.kubectl(['run', 'logger', `--image=${registry.images.logger}`, '--restart=Never']);
    await eventually(async () => (await pod('logger')).status.phase === 'Running', 60_000, 'logger Running');
    // logs -f streams new lines as they come.
    const follow = c.kubectlSpawn(['logs', '-f', 'logger']);
    let out = '';
    follow.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    await eventually(() => (out.match(/logger: line/g) ?? []).length >= 3, 20_000, 'three lines from logs -f');
    follow.kill();
    const tail = (await c.kubectl(['logs', 'logger', '--tail=1', '--timestamps'])).stdout.trim().split('\n');
    assert.equal(tail.length, 1);
    assert.match(tail[0]!, /^\d{4}-\d\d-\d\dT\S+Z logger: line \d+$/);

    const web = (await podsOf('app=web'))[0]!.metadata.name;
    // exec -it, driven through a terminal (tmux).
    const session = `k8ts-it-${Date.now()}`;
    const tmux = (...a: string[]) => run('tmux', a);
    await tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '20', `KUBECONFIG=${c.kubeconfig} kubectl exec -it ${web} -- sh`);
    try {
      await eventually(async () => /#|\$/.test((await tmux('capture-pane', '-p', '-t', session)).stdout), 20_000, 'a shell prompt');
      await tmux('send-keys', '-t', session, 'echo tty-$((6*7)); tty', 'Enter');
      const screen = await eventually(async () => { const s = (await tmux('capture-pane', '-p', '-t', session)).stdout; return /tty-42/.test(s) && /\/dev\/pts\//.test(s) ? s : undefined; }, 20_000, 'command output in the terminal');
      assert.match(screen, /tty-42/);
      await tmux('send-keys', '-t', session, 'exit', 'Enter');
    } finally {
      await tmux('kill-session', '-t', session).catch(() => undefined);
    }

    // port-forward, then curl on localhost.
    const pf = c.kubectlSpawn(['port-forward', `pod/${web}`, ':80']);
    let pfOut = '';
    pf.stdout?.on('data', (d: Buffer) => { pfOut += d.toString(); });
    try {
      const port = await eventually(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(pfOut)?.[1], 20_000, 'port-forward listening');
      const page = (await run('curl', ['-s', '--max-time', '5', `http://127.0.0.1:${port}/`])).stdout;
      assert.match(page, /k8ts test web server/);
      const again = (await run('curl', ['-s', '--max-time', '5', `http://127.0.0.1:${port}/healthz`])).stdout;
      assert.match(again, /ok/);
    } finally {
      pf.kill();
    }

    // cp both ways.
    const local = await mkdtemp(join(tmpdir(), 'k8ts-cp-'));
    try {
      await writeFile(join(local, 'in.txt'), 'copied into the pod\n');
      await c.kubectl(['cp', join(local, 'in.txt'), `${web}:/tmp/in.txt`]);
      assert.equal((await c.kubectl(['exec', web, '--', 'cat', '/tmp/in.txt'])).stdout, 'copied into the pod\n');
      await c.kubectl(['cp', `${web}:/www/index.html`, join(local, 'out.html')]);
      assert.match(await readFile(join(local, 'out.html'), 'utf8'), /k8ts test web server/);
    } finally {
      await rm(local, { recursive: true, force: true });
    }
    // exec's exit code is the command's.
    const r = await c.kubectlRaw(['exec', web, '--', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3);
  });

  it('CrashLoopBackOff with growing back-off; liveness restarts; readiness does not', async () => {
    await c.kubectl(['run', 'crasher', `--image=${registry.images.crash}`]);
    const seen: string[] = [];
    const p = await eventually(async () => {
      const x = await pod('crasher');
      const cs = x.status.containerStatuses?.[0];
      const msg = cs?.state.waiting?.message;
      if (msg && !seen.includes(msg)) seen.push(msg);
      return cs && cs.restartCount >= 2 && cs.state.waiting?.reason === 'CrashLoopBackOff' ? x : undefined;
    }, 120_000, 'crasher restarted twice, in CrashLoopBackOff');
    assert.equal(p.status.containerStatuses?.[0]?.lastState.terminated?.exitCode, 1);
    const delays = seen.map((m) => Number(/back-off (\d+)s/.exec(m)?.[1])).filter((n) => n > 0);
    assert.ok(delays.length >= 2 && delays[delays.length - 1]! > delays[0]!, `growing back-off: ${seen.join(' | ')}`);
    const table = (await c.kubectl(['get', 'pod', 'crasher'])).stdout;
    assert.match(table, /CrashLoopBackOff|Error/);

    const probed = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probed' },
      spec: {
        containers: [{
          name: 'web', image: registry.images.web,
          readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
          livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1, failureThreshold: 2 },
          lifecycle: { postStart: { exec: { command: ['touch', '/tmp/ready'] } } },
        }],
      },
    };
    await c.kubectl(['apply', '-f', '-'], { input: JSON.stringify(probed) });
    await eventually(async () => ready(await pod('probed')), 60_000, 'probed Ready');
    await c.kubectl(['exec', 'probed', '--', 'rm', '/tmp/ready']);
    const unready = await eventually(async () => { const x = await pod('probed'); return !ready(x) ? x : undefined; }, 20_000, 'probed unready');
    assert.equal(unready.status.containerStatuses?.[0]?.restartCount, 0);
    await c.kubectl(['exec', 'probed', '--', 'rm', '/www/healthz']);
    await eventually(async () => { const x = await pod('probed'); return (x.status.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && ready(x); }, 60_000, 'probed restarted by its liveness probe');
    const described = (await c.kubectl(['describe', 'pod', 'probed'])).stdout;
    assert.match(described, /Liveness probe failed: HTTP probe failed with statuscode: 404/);
    assert.match(described, /Container web failed liveness probe, will be restarted/);
  });

  it('a missing image: ErrImagePull then ImagePullBackOff; a private image pulls only with its imagePullSecret', async () => {
    // Watched with kubectl get -w, as a user sees it: every state the pod passes through.
    const watch = c.kubectlSpawn(['get', 'pods', '-w', '--field-selector', 'metadata.name=missing', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}{"\\n"}']);
    let seen = '';
    watch.stdout?.on('data', (d: Buffer) => { seen += d.toString(); });
    await c.kubectl(['run', 'missing', `--image=${registry.host}/k8ts-test/nope:1`]);
    try {
      await eventually(() => /ErrImagePull[\s\S]*ImagePullBackOff/.test(seen), 90_000, 'ErrImagePull then ImagePullBackOff');
    } finally {
      watch.kill();
    }
    const table = (await c.kubectl(['get', 'pod', 'missing'])).stdout;
    assert.match(table, /ErrImagePull|ImagePullBackOff/);

    await c.kubectl(['run', 'private-nosecret', `--image=${priv.images.web}`]);
    await eventually(async () => /ErrImagePull|ImagePullBackOff/.test((await pod('private-nosecret')).status.containerStatuses?.[0]?.state.waiting?.reason ?? ''), 60_000, 'private image refused');
    await c.kubectl(['create', 'secret', 'docker-registry', 'regcred', `--docker-server=${priv.host}`, '--docker-username=puller', '--docker-password=pa55']);
    await c.kubectl(['run', 'private', `--image=${priv.images.web}`, '--overrides', JSON.stringify({ spec: { imagePullSecrets: [{ name: 'regcred' }] } })]);
    await eventually(async () => (await pod('private')).status.phase === 'Running', 60_000, 'private image pulled with the secret');
  });

  it('kubectl delete pod: SIGTERM reaches the process within the grace period', async () => {
    await c.kubectl(['run', 'graceful', `--image=${registry.images.logger}`, '--restart=Never', '--overrides', JSON.stringify({ spec: { terminationGracePeriodSeconds: 30 } })]);
    await eventually(async () => (await pod('graceful')).status.phase === 'Running', 60_000, 'graceful Running');
    const follow = c.kubectlSpawn(['logs', '-f', 'graceful']);
    let out = '';
    follow.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    await eventually(() => out.includes('logger: line'), 20_000, 'log lines');
    const t0 = Date.now();
    await c.kubectl(['delete', 'pod', 'graceful', '--wait=true'], { timeoutMs: 60_000 });
    const took = Date.now() - t0;
    await eventually(() => out.includes('logger: got SIGTERM'), 10_000, 'SIGTERM in the log');
    follow.kill();
    assert.ok(took < 20_000, `pod gone in ${took} ms, well inside its 30 s grace period (the process exits on SIGTERM)`);
  });

  it('killing and restarting the agent leaves running pods running, not duplicated', async () => {
    const before = await podsOf('app=web');
    const ids = before.map((p) => p.status.containerStatuses?.[0]?.containerID).sort();
    const st = await c.state();
    process.kill(st.agentPid, 'SIGKILL');
    await eventually(async () => /^\d+ \(.*\) Z/.test(await readFile(`/proc/${st.agentPid}/stat`, 'utf8').catch(() => '0 (x) Z')), 10_000, 'agent killed');
    const again = await c.k8ts(['up', '--data-dir', c.dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.notEqual((await c.state()).agentPid, st.agentPid);
    await new Promise((r) => setTimeout(r, 5_000));
    const afterPods = await podsOf('app=web');
    assert.deepEqual(afterPods.map((p) => p.status.containerStatuses?.[0]?.containerID).sort(), ids);
    for (const p of afterPods) assert.equal(p.status.containerStatuses?.[0]?.restartCount, 0);
    const sock = join(c.dir, 'agent', 'containerd', 'containerd.sock');
    const sandboxes = (await run('ctr', ['-a', sock, '-n', 'k8s.io', 'containers', 'list', '-q'])).stdout.trim().split('\n').filter(Boolean);
    // Each web pod: one pause container + one web container; nothing started twice.
    const webIds = ids.map((id) => (id ?? '').replace('containerd://', ''));
    for (const id of webIds) assert.equal(sandboxes.filter((s) => s === id).length, 1);
  });

  it('k8ts down leaves no container, sandbox, mount or network interface behind', async () => {
    const st = await c.state();
    const r = await c.down();
    assert.equal(r.code, 0, r.stderr);
    for (const pid of [st.serverPid, st.agentPid]) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      assert.ok(stat === '' || /^\d+ \(.*\) Z/.test(stat), `process ${pid} stopped`);
    }
    const procs = (await run('ps', ['-eo', 'args'])).stdout;
    assert.ok(!procs.includes(join(c.dir, 'agent', 'containerd')), 'no containerd of this cluster runs');
    assert.ok(!procs.includes(c.dir), 'nothing of this cluster runs');
    const mounts = await readFile('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(c.dir), 'no mount under the data dir');
    const links = (await run('ip', ['-o', 'link'])).stdout;
    assert.ok(!links.includes(c.bridge), `bridge ${c.bridge} removed; k8ts down said: ${r.stdout} ${r.stderr}`);
    const routes = (await run('ip', ['route'])).stdout;
    assert.ok(!routes.includes(c.bridge), 'no route through the bridge');
    const cgroups = await readdir('/sys/fs/cgroup/memory').catch(() => [] as string[]);
    assert.ok(!cgroups.includes(st.cgroupRoot.replace(/^\//, '')), 'pod cgroups removed');
    assert.ok(!existsSync(c.dir), 'data dir removed');
    const logs = await readdir(c.podLogsDir).catch(() => [] as string[]);
    assert.deepEqual(logs, []);
  });
});
