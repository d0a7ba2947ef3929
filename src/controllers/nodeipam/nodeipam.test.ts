// Node IPAM against a real API server: every node gets its own podCIDR; existing allocations
// survive a controller restart; an exhausted range says so with an event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, testClient } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { nodeIpamController } from './index.js';

type NodeView = KubeObject & { spec?: { podCIDR?: string; podCIDRs?: string[] } };

describe('nodeipam', () => {
  let c: TestCluster;
  let client: ApiClient;
  before(async () => { c = await startTestCluster(); client = testClient(c); });
  after(async () => { client?.close(); await c?.stop(); });

  const node = (name: string, podCIDR?: string) => client.create(R.nodes, '', {
    apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
  });
  const cidrOf = async (name: string) => (await client.get<NodeView>(R.nodes, '', name)).spec;

  test('allocates distinct podCIDRs, never one already used, and keeps them across a restart', async () => {
    await node('pre', '10.42.0.0/24');
    await node('n1');
    await node('n2');
    const h1 = await startControllerHarness(c, [nodeIpamController]);
    try {
      const got = await eventually(async () => {
        const s = await Promise.all(['n1', 'n2'].map(cidrOf));
        return s.every((x) => x?.podCIDR) && s;
      }, 5000, 'podCIDRs');
      for (const s of got) {
        assert.match(s?.podCIDR ?? '', /^10\.42\.\d+\.0\/24$/);
        assert.deepEqual(s?.podCIDRs, [s?.podCIDR]);
      }
      const all = new Set(['10.42.0.0/24', ...got.map((s) => s?.podCIDR)]);
      assert.equal(all.size, 3, 'no CIDR handed out twice');
    } finally {
      await h1.stop();
    }
    await node('n3');
    const h2 = await startControllerHarness(c, [nodeIpamController]);
    try {
      const n3 = await eventually(async () => (await cidrOf('n3'))?.podCIDR, 5000, 'n3 podCIDR');
      const others = await Promise.all(['pre', 'n1', 'n2'].map(async (n) => (await cidrOf(n))?.podCIDR));
      assert.ok(!others.includes(n3), `${n3} not among ${others.join(', ')}`);
      // A deleted node's subnet is free again, but the allocator moves on before reusing it.
      await client.delete(R.nodes, '', 'n1');
      await node('n4');
      const n4 = await eventually(async () => (await cidrOf('n4'))?.podCIDR, 5000, 'n4 podCIDR');
      assert.ok(![n3, ...others.slice(0, 1), others[2]].includes(n4));
    } finally {
      await h2.stop();
    }
  });

  test('an exhausted cluster CIDR records CIDRNotAvailable', async () => {
    const h = await startControllerHarness(c, [nodeIpamController], { config: { clusterCidr: '10.99.0.0/24', nodeCidrMaskSize: 25 } });
    try {
      // Earlier nodes hold 10.42.x CIDRs outside this range; two /25s fit in 10.99.0.0/24.
      await node('x1');
      await node('x2');
      await node('x3');
      await eventually(async () => {
        const s = await Promise.all(['x1', 'x2', 'x3'].map(cidrOf));
        return s.filter((x) => x?.podCIDR?.startsWith('10.99.0.')).length === 2;
      }, 5000, 'two /25s');
      const ev = await eventually(async () => {
        const list = await client.list(R.events, 'default');
        return list.items.find((e) => e.reason === 'CIDRNotAvailable');
      }, 5000, 'CIDRNotAvailable event');
      assert.match(String(ev.message), /Node x\d status is now: CIDRNotAvailable/);
    } finally {
      await h.stop();
    }
  });
});
