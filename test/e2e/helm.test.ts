// Helm 3 against `k8ts server` + `k8ts sim`: the chart `helm create` writes (ServiceAccount, Service,
// Deployment), installed and upgraded with --wait (helm watches the rollout until the pods are
// Ready), its history, a rollback, and an uninstall that leaves nothing behind. Helm keeps its
// releases in Secrets of type helm.sh/release.v1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSimCluster, type SimCluster } from '../helpers/sim-cluster.js';
import { eventually, runCommand } from '../helpers/cluster.js';

const HELM = process.env.HELM ?? 'helm';
let c: SimCluster;
let env: NodeJS.ProcessEnv;
before(async () => {
  c = await startSimCluster();
  await c.startSim(['--nodes', '2', '--start-delay', '200ms', '--heartbeat', '1s']);
  env = { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir, HELM_CACHE_HOME: join(c.dir, 'helm-cache'), HELM_CONFIG_HOME: join(c.dir, 'helm-config'), HELM_DATA_HOME: join(c.dir, 'helm-data') };
});
after(async () => { await c?.stop(); });

async function helm(args: string[]): Promise<string> {
  const r = await runCommand(HELM, args, env, 120_000);
  assert.equal(r.code, 0, `helm ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

test('helm: install --wait, upgrade --wait, history, rollback, uninstall', async (t) => {
  const probe = await runCommand(HELM, ['version', '--short'], env, 30_000).catch(() => undefined);
  if (probe?.code !== 0) { t.skip('helm is not installed (scripts/install-kubectl.sh installs it)'); return; }
  await eventually(async () => (await c.kubectl(['get', 'nodes', '--no-headers'])).stdout.split('\n').filter((l) => / Ready /.test(l)).length === 2, 30_000, 'both sim nodes Ready');
  const chart = join(c.dir, 'web');
  await helm(['create', chart]);
  assert.match(await helm(['install', 'web1', chart, '--wait', '--timeout', '60s']), /STATUS: deployed[\s\S]*REVISION: 1/);
  const ready = async () => (await c.kubectl(['get', 'deploy', 'web1', '-o', 'jsonpath={.spec.replicas} {.status.readyReplicas}'])).stdout;
  assert.equal(await ready(), '1 1');

  assert.match(await helm(['upgrade', 'web1', chart, '--set', 'replicaCount=3', '--wait', '--timeout', '60s']), /REVISION: 2/);
  assert.equal(await ready(), '3 3');
  const history = await helm(['history', 'web1', '-o', 'json']);
  assert.deepEqual(JSON.parse(history).map((h: { revision: number; status: string }) => [h.revision, h.status]), [[1, 'superseded'], [2, 'deployed']]);

  assert.match(await helm(['rollback', 'web1', '1', '--wait', '--timeout', '60s']), /Rollback was a success/);
  assert.equal(await ready(), '1 1');
  const releases = JSON.parse(await helm(['list', '-o', 'json'])) as Array<{ name: string; revision: string; status: string }>;
  assert.deepEqual(releases.map((r) => [r.name, r.revision, r.status]), [['web1', '3', 'deployed']]);
  const secrets = (await c.kubectl(['get', 'secrets', '--field-selector', 'type=helm.sh/release.v1', '-o', 'name'])).stdout.trim().split('\n');
  assert.deepEqual(secrets.sort(), ['secret/sh.helm.release.v1.web1.v1', 'secret/sh.helm.release.v1.web1.v2', 'secret/sh.helm.release.v1.web1.v3']);

  assert.match(await helm(['uninstall', 'web1', '--wait', '--timeout', '60s']), /release "web1" uninstalled/);
  const left = (await c.kubectl(['get', 'deploy,svc,sa,secrets', '-l', 'app.kubernetes.io/instance=web1', '-o', 'name'])).stdout.trim();
  assert.equal(left, '');
  assert.equal((await c.kubectl(['get', 'secrets', '--field-selector', 'type=helm.sh/release.v1', '-o', 'name'])).stdout.trim(), '');
});
