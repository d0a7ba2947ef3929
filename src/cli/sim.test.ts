// `k8ts sim` as a user runs it: help, flag errors, nodes joining a cluster, pods running, and
// SIGTERM as a node failure (the Nodes stay and go NotReady). Needs the compiled CLI (npm run build).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, startTestCluster, eventually, type TestCluster } from '../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../test/helpers/controllers.js';
import { R } from '../client/index.js';
import type { KubeObject } from '../machinery/object.js';
import { nodeIpamController } from '../controllers/nodeipam/index.js';
import { nodeLifecycleController } from '../controllers/nodelifecycle/index.js';
import { parseLabels, parseTaints } from './sim.js';

const run = promisify(execFile);
const k8ts = () => join(repoRoot(), 'bin', 'k8ts');

test('k8ts sim --help documents the flags and the pod annotations; bad flags name themselves', async () => {
  const top = await run(process.execPath, [k8ts(), '--help']);
  assert.match(top.stdout, /sim\s+Run simulated \(hollow\) nodes/);
  const h = await run(process.execPath, [k8ts(), 'sim', '--help']);
  for (const s of ['--kubeconfig', '--nodes', '--name-prefix', '--cpu', '--memory', '--pods', '--labels', '--taints', '--start-delay', '--heartbeat',
    'sim.k8ts.io/run-for', 'sim.k8ts.io/exit-code']) assert.ok(h.stdout.includes(s), s);
  await assert.rejects(run(process.execPath, [k8ts(), 'sim', '--nodes', 'many']), /--nodes: want an integer/);
  await assert.rejects(run(process.execPath, [k8ts(), 'sim', '--taints', 'a=b:Sometimes']), /--taints: "a=b:Sometimes"/);
  await assert.rejects(run(process.execPath, [k8ts(), 'sim', '--start-delay', 'soon']), /--start-delay: invalid duration/);
});

test('label and taint flags parse as kubectl writes them', () => {
  assert.deepEqual(parseLabels('a=b, zone=z1'), { a: 'b', zone: 'z1' });
  assert.deepEqual(parseTaints('gpu=true:NoSchedule,spot:PreferNoSchedule'), [
    { key: 'gpu', value: 'true', effect: 'NoSchedule' }, { key: 'spot', effect: 'PreferNoSchedule' },
  ]);
});

describe('k8ts sim process', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  let child: ChildProcess | undefined;

  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [nodeIpamController, nodeLifecycleController], { config: { nodeMonitorGracePeriodMs: 2000, nodeMonitorPeriodMs: 200 } });
  });
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await h?.stop();
    await c?.stop();
  });

  test('joins with N Ready nodes, runs a pod, and SIGTERM leaves the nodes NotReady', { timeout: 60_000 }, async () => {
    child = spawn(process.execPath, [k8ts(), 'sim', '--kubeconfig', c.kubeconfig, '--nodes', '3', '--name-prefix', 'cli-',
      '--heartbeat', '500ms', '--start-delay', '100ms', '--labels', 'pool=cli', '--taints', 'team=a:PreferNoSchedule', '--cpu', '2'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    await eventually(() => stderr.includes('k8ts sim nodes are running'), 20_000, `sim to start (stderr: ${stderr})`);

    const out = await c.kubectl(['get', 'nodes', '-l', 'pool=cli', '--no-headers']);
    assert.deepEqual(out.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' ')), ['cli-0 Ready', 'cli-1 Ready', 'cli-2 Ready']);
    const node = await h.client.get<KubeObject & { spec?: { taints?: unknown[] }; status?: { capacity?: Record<string, string> } }>(R.nodes, '', 'cli-1');
    assert.equal(node.status?.capacity?.cpu, '2');
    assert.deepEqual(node.spec?.taints, [{ key: 'team', value: 'a', effect: 'PreferNoSchedule' }]);

    await c.kubectl(['run', 'hello', '--image=nginx', '--overrides', JSON.stringify({ spec: { nodeName: 'cli-1' } })]);
    await eventually(async () => (await c.kubectl(['get', 'pod', 'hello', '--no-headers'])).stdout.includes('Running'), 10_000, 'pod Running');

    const exit = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exit, 0, 'SIGTERM is a clean stop');
    await eventually(async () => {
      const o = await c.kubectl(['get', 'nodes', '-l', 'pool=cli', '--no-headers']);
      return o.stdout.trim().split('\n').filter((l) => /\sNotReady\s/.test(l)).length === 3;
    }, 10_000, 'nodes NotReady after the process stopped');
  });
});
