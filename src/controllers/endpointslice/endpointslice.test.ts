// The EndpointSlice controller against a real API server: slices follow pods becoming ready, not
// ready and terminating; large services are split; an empty service has a placeholder; slices are
// owned by their Service, so the garbage collector removes them with it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, testClient, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import { garbageCollectorController } from '../garbagecollector/index.js';
import { createNode, createPod, setPodStatus } from '../endpoints/test-objects.js';
import { endpointSliceControllerWith, type EndpointSlice } from './index.js';

describe('endpointslice controller', () => {
  let c: TestCluster;
  let client: ApiClient;
  let h: ControllerHarness;
  before(async () => {
    c = await startTestCluster();
    client = testClient(c);
    await createNode(client, 'n1', { 'topology.kubernetes.io/zone': 'zone-a' });
    await createNode(client, 'n2');
    h = await startControllerHarness(c, [endpointSliceControllerWith({ maxEndpointsPerSlice: 2 }), garbageCollectorController]);
  });
  after(async () => { await h?.stop(); client?.close(); await c?.stop(); });

  const slicesOf = async (svc: string) =>
    (await client.list<EndpointSlice>(R.endpointslices, 'default', { labelSelector: `kubernetes.io/service-name=${svc}` })).items;
  const endpointOf = (slices: EndpointSlice[], pod: string) => slices.flatMap((s) => s.endpoints ?? []).find((e) => e.targetRef?.name === pod);

  test('a slice per service: endpoints with conditions, node, zone, target and ports', async () => {
    const svc = await client.create(R.services, 'default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const ports = [{ name: 'http', containerPort: 8080 }];
    await createPod(client, { name: 'web-1', labels: { app: 'web' }, ports, nodeName: 'n1' });
    await createPod(client, { name: 'web-2', labels: { app: 'web' }, ports, nodeName: 'n2' });
    await setPodStatus(client, 'web-1', { ip: '10.42.1.1', ready: true });
    await setPodStatus(client, 'web-2', { ip: '10.42.2.1', ready: false });

    const slices = await eventually(async () => {
      const s = await slicesOf('web');
      return s.length === 1 && (s[0]?.endpoints ?? []).length === 2 && s;
    }, 8000, 'one slice with two endpoints');
    const slice = slices[0] as EndpointSlice;
    assert.equal(slice.addressType, 'IPv4');
    assert.match(slice.metadata?.name ?? '', /^web-[a-z0-9]{5}$/);
    assert.equal(slice.metadata?.generateName, 'web-');
    assert.equal(slice.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(slice.metadata?.labels?.['kubernetes.io/service-name'], 'web');
    assert.equal(slice.metadata?.labels?.tier, 'front', 'service labels copied');
    assert.deepEqual(slice.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const e1 = endpointOf(slices, 'web-1');
    assert.deepEqual(e1?.addresses, ['10.42.1.1']);
    assert.deepEqual(e1?.conditions, { ready: true, serving: true, terminating: false });
    assert.equal(e1?.nodeName, 'n1');
    assert.equal(e1?.zone, 'zone-a');
    assert.equal(e1?.targetRef?.kind, 'Pod');
    assert.deepEqual(endpointOf(slices, 'web-2')?.conditions, { ready: false, serving: false, terminating: false });

    const shown = await c.kubectl(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '--no-headers']);
    assert.match(shown.stdout, /IPv4\s+8080\s+10\.42\.1\.1,10\.42\.2\.1|IPv4\s+8080\s+10\.42\.2\.1,10\.42\.1\.1/);

    // Readiness flips; a terminating pod stays, serving but not ready.
    await setPodStatus(client, 'web-2', { ip: '10.42.2.1', ready: true });
    await eventually(async () => endpointOf(await slicesOf('web'), 'web-2')?.conditions.ready === true, 8000, 'web-2 ready');
    await client.delete(R.pods, 'default', 'web-1');
    await eventually(async () => endpointOf(await slicesOf('web'), 'web-1')?.conditions.terminating === true, 8000, 'web-1 terminating');
    assert.deepEqual(endpointOf(await slicesOf('web'), 'web-1')?.conditions, { ready: false, serving: true, terminating: true });
    assert.equal((await slicesOf('web')).length, 1, 'updated in place, no new slice');
  });

  test('at most maxEndpointsPerSlice per slice; an empty service has a placeholder slice', async () => {
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'many' }, spec: { selector: { app: 'many' }, ports: [{ port: 80 }] } });
    for (let i = 0; i < 5; i++) {
      await createPod(client, { name: `many-${i}`, labels: { app: 'many' }, nodeName: 'n2' });
      await setPodStatus(client, `many-${i}`, { ip: `10.42.3.${i + 1}`, ready: true });
    }
    const slices = await eventually(async () => {
      const s = await slicesOf('many');
      return s.flatMap((x) => x.endpoints ?? []).length === 5 && s;
    }, 8000, 'five endpoints');
    assert.equal(slices.length, 3);
    for (const s of slices) assert.ok((s.endpoints ?? []).length <= 2);
    const ips = slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)).sort();
    assert.deepEqual(ips, ['10.42.3.1', '10.42.3.2', '10.42.3.3', '10.42.3.4', '10.42.3.5']);

    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'empty' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
    const placeholder = await eventually(async () => { const s = await slicesOf('empty'); return s.length === 1 && s[0]; }, 8000, 'placeholder slice');
    assert.deepEqual(placeholder.endpoints ?? [], []);
    // Settles: the placeholder is kept, not recreated.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await slicesOf('empty')).map((s) => s.metadata?.name), [placeholder.metadata?.name]);

    // Pods go: slices shrink to the placeholder.
    for (let i = 0; i < 5; i++) await client.delete(R.pods, 'default', `many-${i}`, { gracePeriodSeconds: 0 });
    await eventually(async () => { const s = await slicesOf('many'); return s.length === 1 && (s[0]?.endpoints ?? []).length === 0; }, 8000, 'only a placeholder left');
  });

  test('deleting the service deletes its slices (owned by it, collected by the garbage collector)', async () => {
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'brief' }, spec: { selector: { app: 'brief' }, ports: [{ port: 80 }] } });
    await eventually(async () => (await slicesOf('brief')).length === 1, 8000, 'slice created');
    await c.kubectl(['delete', 'service', 'brief']);
    await eventually(async () => (await slicesOf('brief')).length === 0, 8000, 'slices deleted');
  });
});
