// The kubelet on a real containerd (root): pods from a real registry, on a real CNI bridge, driven
// through the API as users drive them. Each test reads only what a user could see: pod status,
// events, the pod's own answers over the network.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { R } from '../../src/client/index.js';
import type { ApiClient } from '../../src/client/types.js';
import type { Pod } from '../../src/kubelet/api-types.js';
import { eventually, startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { testClient } from '../helpers/controllers.js';
import { startTestNode, type TestNode } from '../helpers/node.js';
import { startTestRegistry, type TestRegistry } from '../helpers/registry.js';

const root = process.getuid?.() === 0;

describe('kubelet on containerd', { skip: root ? false : 'needs root (containerd, CNI)', timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let client: ApiClient;
  let node: TestNode;
  let registry: TestRegistry;
  let privateRegistry: TestRegistry;

  before(async () => {
    cluster = await startTestCluster();
    client = testClient(cluster);
    [registry, privateRegistry] = await Promise.all([startTestRegistry(), startTestRegistry({ auth: { username: 'puller', password: 's3cret' } })]);
    node = await startTestNode({ client });
  });
  after(async () => {
    await node?.stop();
    await registry?.stop();
    await privateRegistry?.stop();
    await cluster?.stop();
  });

  const podSpec = (name: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta }, spec: { nodeName: node.name, terminationGracePeriodSeconds: 5, ...spec } });
  const getPod = (name: string) => client.get<Pod>(R.pods, 'default', name);
  const events = async (name: string) => {
    const list = await client.list(R.events, 'default', { fieldSelector: `involvedObject.name=${name}` });
    return (list.items as Array<{ reason?: string; message?: string }>).map((e) => `${e.reason}: ${e.message}`);
  };

  it('runs a web server pod with env, probes and an IP that serves the page', async () => {
    await client.create(R.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { greeting: 'hello from a configmap' } });
    await client.create(R.pods, 'default', podSpec('web', {
      containers: [{
        name: 'web', image: registry.images.web, imagePullPolicy: 'IfNotPresent',
        env: [
          { name: 'PLAIN', value: 'plain-value' },
          { name: 'EXPANDED', value: 'x-$(PLAIN)-y' },
          { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'greeting' } } },
          { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        ],
        ports: [{ name: 'http', containerPort: 80 }],
        readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
        livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 2 },
      }],
    }));
    const pod = await eventually(async () => {
      const p = await getPod('web');
      return p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    }, 60_000, 'web pod Running and Ready');
    const ip = pod.status?.podIP ?? '';
    assert.match(ip, /^10\.251\.\d+\.\d+$/);
    const cs = pod.status?.containerStatuses?.[0];
    assert.equal(cs?.ready, true);
    assert.equal(cs?.restartCount, 0);
    assert.match(cs?.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    const page = await (await fetch(`http://${ip}:80/`)).text();
    assert.match(page, /k8ts test web server/);
    // The environment as the container sees it.
    const id = (cs?.containerID ?? '').replace('containerd://', '');
    const env = (await node.kubelet.cri.execSync(id, ['env'], 10)).stdout.toString();
    assert.match(env, /^PLAIN=plain-value$/m);
    assert.match(env, /^EXPANDED=x-plain-value-y$/m);
    assert.match(env, /^GREETING=hello from a configmap$/m);
    assert.match(env, /^MY_POD=web$/m);
    assert.match(env, new RegExp(`^MY_IP=${ip.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(env, /^KUBERNETES_SERVICE_HOST=/m);
    const ev = await events('web');
    for (const reason of ['Pulling', 'Pulled', 'Created', 'Started']) assert.ok(ev.some((e) => e.startsWith(`${reason}:`)), `${reason} event in ${ev.join(' | ')}`);
    // Logs land where a log shipper looks.
    const links = await readdir(join(node.dir, 'logs', 'containers'));
    assert.ok(links.some((l) => l.startsWith('web_default_web-') && l.endsWith('.log')), links.join(','));
  });

  it('a readiness failure takes the pod out of Ready without a restart; a liveness failure restarts it', async () => {
    await client.create(R.pods, 'default', podSpec('probed', {
      containers: [{
        name: 'web', image: registry.images.web,
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
        livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1, failureThreshold: 2 },
        lifecycle: { postStart: { exec: { command: ['touch', '/tmp/ready'] } } },
      }],
    }));
    const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    let pod = await eventually(async () => { const p = await getPod('probed'); return ready(p) === 'True' ? p : undefined; }, 60_000, 'probed Ready');
    const id = (pod.status?.containerStatuses?.[0]?.containerID ?? '').replace('containerd://', '');
    await node.kubelet.cri.execSync(id, ['rm', '/tmp/ready'], 5);
    pod = await eventually(async () => { const p = await getPod('probed'); return ready(p) === 'False' ? p : undefined; }, 20_000, 'probed not Ready');
    assert.equal(pod.status?.containerStatuses?.[0]?.restartCount, 0);
    assert.equal(pod.status?.phase, 'Running');
    // Now the liveness endpoint goes away: the container is restarted (and the postStart hook makes it ready again).
    await node.kubelet.cri.execSync(id, ['rm', '/www/healthz'], 5);
    pod = await eventually(async () => { const p = await getPod('probed'); return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && ready(p) === 'True' ? p : undefined; }, 60_000, 'probed restarted by liveness');
    const ev = await events('probed');
    assert.ok(ev.some((e) => /^Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404/.test(e)), ev.join(' | '));
    assert.ok(ev.some((e) => /^Unhealthy: Readiness probe failed/.test(e)), ev.join(' | '));
    assert.ok(ev.some((e) => /^Killing: Container web failed liveness probe, will be restarted/.test(e)), ev.join(' | '));
  });

  it('a crashing container goes to CrashLoopBackOff with a growing back-off', async () => {
    await client.create(R.pods, 'default', podSpec('crasher', { containers: [{ name: 'crash', image: registry.images.crash }] }));
    const pod = await eventually(async () => {
      const p = await getPod('crasher');
      const cs = p.status?.containerStatuses?.[0];
      return cs && cs.restartCount >= 2 && cs.state.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    }, 90_000, 'crasher in CrashLoopBackOff after 2 restarts');
    const cs = pod.status!.containerStatuses![0]!;
    assert.equal(cs.lastState.terminated?.exitCode, 1);
    assert.equal(cs.lastState.terminated?.reason, 'Error');
    assert.match(cs.state.waiting?.message ?? '', /^back-off \d+s restarting failed container=crash pod=crasher_default\(/);
    assert.equal(pod.status?.phase, 'Running');
    const ev = await events('crasher');
    assert.ok(ev.some((e) => e.startsWith('BackOff: Back-off restarting failed container crash')), ev.join(' | '));
  });

  it('restartPolicy Never: a failed container makes the pod Failed, an exit 0 Succeeded', async () => {
    await client.create(R.pods, 'default', podSpec('once-fail', { restartPolicy: 'Never', containers: [{ name: 'crash', image: registry.images.crash }] }));
    await client.create(R.pods, 'default', podSpec('once-ok', { restartPolicy: 'Never', containers: [{ name: 'ok', image: registry.images.web, command: ['sh', '-c', 'echo done; exit 0'] }] }));
    const failed = await eventually(async () => { const p = await getPod('once-fail'); return p.status?.phase === 'Failed' ? p : undefined; }, 60_000, 'once-fail Failed');
    assert.equal(failed.status?.containerStatuses?.[0]?.state.terminated?.exitCode, 1);
    assert.equal(failed.status?.containerStatuses?.[0]?.restartCount, 0);
    const ok = await eventually(async () => { const p = await getPod('once-ok'); return p.status?.phase === 'Succeeded' ? p : undefined; }, 60_000, 'once-ok Succeeded');
    assert.equal(ok.status?.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
  });

  it('a missing image shows ErrImagePull then ImagePullBackOff; a private image pulls only with its secret', async () => {
    // Watched, as `kubectl get pods -w` shows it: every state the pod passes through.
    const reasons: string[] = [];
    const abort = new AbortController();
    const watching = (async () => {
      for await (const ev of client.watch<Pod>(R.pods, 'default', { fieldSelector: 'metadata.name=missing' }, abort.signal)) {
        const r = ev.object.status?.containerStatuses?.[0]?.state.waiting?.reason;
        if (r && reasons[reasons.length - 1] !== r) reasons.push(r);
      }
    })().catch(() => undefined);
    await client.create(R.pods, 'default', podSpec('missing', { containers: [{ name: 'm', image: `${registry.host}/k8ts-test/nope:1` }] }));
    try {
      await eventually(() => reasons.indexOf('ImagePullBackOff') > reasons.indexOf('ErrImagePull') && reasons.includes('ErrImagePull'), 60_000, 'ErrImagePull then ImagePullBackOff');
    } finally {
      abort.abort();
      await watching;
    }

    await client.create(R.pods, 'default', podSpec('private-nosecret', { containers: [{ name: 'p', image: privateRegistry.images.web }] }));
    await eventually(async () => {
      const p = await getPod('private-nosecret');
      const w = p.status?.containerStatuses?.[0]?.state.waiting;
      return w && (w.reason === 'ErrImagePull' || w.reason === 'ImagePullBackOff') ? w : undefined;
    }, 60_000, 'private image refused without a secret');

    const auth = Buffer.from('puller:s3cret').toString('base64');
    const cfg = { auths: { [privateRegistry.host]: { username: 'puller', password: 's3cret', auth } } };
    await client.create(R.secrets, 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(JSON.stringify(cfg)).toString('base64') } });
    await client.create(R.pods, 'default', podSpec('private', { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'p', image: privateRegistry.images.web, imagePullPolicy: 'Always' }] }));
    await eventually(async () => (await getPod('private')).status?.phase === 'Running', 60_000, 'private image pulled with its secret');
  });

  it('deleting a pod sends SIGTERM within the grace period and the pod goes away', async () => {
    await client.create(R.pods, 'default', podSpec('logger', { terminationGracePeriodSeconds: 20, containers: [{ name: 'log', image: registry.images.logger }] }));
    const pod = await eventually(async () => { const p = await getPod('logger'); return p.status?.phase === 'Running' ? p : undefined; }, 60_000, 'logger Running');
    const uid = pod.metadata?.uid ?? '';
    const t0 = Date.now();
    await client.delete(R.pods, 'default', 'logger');
    await eventually(async () => {
      try { await getPod('logger'); return false; } catch { return true; }
    }, 30_000, 'logger gone');
    const took = Date.now() - t0;
    assert.ok(took < 15_000, `deleted in ${took} ms: the process should exit on SIGTERM, not wait out the 20s grace period`);
    // Then the node forgets it: containers, sandbox and log directory removed.
    await eventually(async () => {
      const dirs = await readdir(join(node.dir, 'logs', 'pods')).catch(() => []);
      const ctrs = await node.kubelet.cri.listContainers({ label_selector: { 'io.kubernetes.pod.uid': uid } });
      const sbs = await node.kubelet.cri.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': uid } });
      return !dirs.some((d) => d.endsWith(uid)) && ctrs.length === 0 && sbs.length === 0;
    }, 15_000, 'runtime and log dir of the deleted pod cleaned up');
  });

  it('SIGTERM reaches the process (seen in its log before removal)', async () => {
    await client.create(R.pods, 'default', podSpec('logger2', { terminationGracePeriodSeconds: 20, containers: [{ name: 'log', image: registry.images.logger }] }));
    const pod = await eventually(async () => { const p = await getPod('logger2'); return p.status?.phase === 'Running' ? p : undefined; }, 60_000, 'logger2 Running');
    const uid = pod.metadata?.uid ?? '';
    const logFile = join(node.dir, 'logs', 'pods', `default_logger2_${uid}`, 'log', '0.log');
    await eventually(async () => (await readFile(logFile, 'utf8').catch(() => '')).includes('logger: line'), 20_000, 'logger logging');
    // Stop the container as deletion does, and read the log before cleanup removes it.
    const id = (pod.status?.containerStatuses?.[0]?.containerID ?? '').replace('containerd://', '');
    await node.kubelet.cri.stopContainer(id, 10);
    const text = await readFile(logFile, 'utf8');
    assert.match(text, /stdout F logger: got SIGTERM/);
    await client.delete(R.pods, 'default', 'logger2');
  });

  it('a restarted kubelet adopts running pods without running them twice', async () => {
    await client.create(R.pods, 'default', podSpec('survivor', { containers: [{ name: 'web', image: registry.images.web }] }));
    const before = await eventually(async () => { const p = await getPod('survivor'); return p.status?.phase === 'Running' ? p : undefined; }, 60_000, 'survivor Running');
    const id = before.status?.containerStatuses?.[0]?.containerID;
    await node.stopKubelet();
    await node.startKubelet();
    await new Promise((r) => setTimeout(r, 5_000));
    const after = await getPod('survivor');
    assert.equal(after.status?.containerStatuses?.[0]?.containerID, id);
    assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
    const uid = after.metadata?.uid ?? '';
    const sandboxes = await node.kubelet.cri.listPodSandbox({ label_selector: { 'io.kubernetes.pod.uid': uid } });
    assert.equal(sandboxes.length, 1);
    const ctrs = await node.kubelet.cri.listContainers({ label_selector: { 'io.kubernetes.pod.uid': uid } });
    assert.equal(ctrs.length, 1);
  });
});
