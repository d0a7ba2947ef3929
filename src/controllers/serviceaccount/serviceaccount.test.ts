// The ServiceAccount controller against a real API server, through kubectl: a new namespace gets
// a default ServiceAccount, a deleted one comes back, other accounts are left alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { serviceAccountController } from './index.js';

describe('serviceaccount controller', () => {
  let c: TestCluster;
  let h: ControllerHarness;
  before(async () => {
    c = await startTestCluster();
    h = await startControllerHarness(c, [serviceAccountController]);
  });
  after(async () => { await h?.stop(); await c?.stop(); });

  const sas = async (ns: string) => (await c.kubectl(['get', 'serviceaccounts', '-n', ns, '-o', 'name'])).stdout.trim().split('\n').filter(Boolean);

  test('existing namespaces and new ones get a default ServiceAccount', async () => {
    await eventually(async () => (await sas('default')).includes('serviceaccount/default'), 8000, 'default/default');
    await eventually(async () => (await sas('kube-system')).includes('serviceaccount/default'), 8000, 'kube-system/default');
    await c.kubectl(['create', 'namespace', 'team-a']);
    await eventually(async () => (await sas('team-a')).includes('serviceaccount/default'), 8000, 'team-a/default');
    const shown = await c.kubectl(['get', 'sa', 'default', '-n', 'team-a']);
    assert.match(shown.stdout, /^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\S+\n$/);
  });

  test('a deleted default ServiceAccount is recreated; other accounts are not touched', async () => {
    await c.kubectl(['create', 'namespace', 'team-b']);
    await eventually(async () => (await sas('team-b')).includes('serviceaccount/default'), 8000, 'team-b/default');
    const before = (await c.kubectl(['get', 'sa', 'default', '-n', 'team-b', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    await c.kubectl(['create', 'serviceaccount', 'builder', '-n', 'team-b']);
    await c.kubectl(['delete', 'serviceaccount', 'default', '-n', 'team-b']);
    const after = await eventually(async () => {
      const r = await c.kubectlRaw(['get', 'sa', 'default', '-n', 'team-b', '-o', 'jsonpath={.metadata.uid}']);
      return r.code === 0 && r.stdout && r.stdout !== before ? r.stdout : undefined;
    }, 8000, 'default recreated');
    assert.notEqual(after, before);
    await c.kubectl(['delete', 'serviceaccount', 'builder', '-n', 'team-b']);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await sas('team-b')).sort(), ['serviceaccount/default']);
  });
});
