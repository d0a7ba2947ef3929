// The Endpoints controller against a real API server: pods become ready and not ready through
// pods/status (no kubelets here) and `kubectl get endpoints` follows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, testClient, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import type { ApiClient } from '../../client/types.js';
import type { KubeObject } from '../../machinery/object.js';
import { isStatusError } from '../../machinery/errors.js';
import { endpointsController, type EndpointSubset } from './index.js';
import { createPod, setPodStatus } from './test-objects.js';

type Endpoints = KubeObject & { subsets?: EndpointSubset[] };

describe('endpoints controller', () => {
  let c: TestCluster;
  let client: ApiClient;
  let h: ControllerHarness;
  before(async () => {
    c = await startTestCluster();
    client = testClient(c);
    h = await startControllerHarness(c, [endpointsController]);
  });
  after(async () => { await h?.stop(); client?.close(); await c?.stop(); });

  const getEp = async (name: string, ns = 'default'): Promise<Endpoints | undefined> => {
    try { return await client.get<Endpoints>(R.endpoints, ns, name); } catch (e) { if (isStatusError(e) && e.code === 404) return undefined; throw e; }
  };
  const ready = (ep: Endpoints | undefined) => (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`))).sort();
  const notReady = (ep: Endpoints | undefined) => (ep?.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}`))).sort();
  const kubectlEndpoints = async (name: string) => (await c.kubectl(['get', 'endpoints', name, '--no-headers'])).stdout.trim().split(/\s+/)[1];

  test('ready and not-ready addresses follow the pods; ports come from targetPort (numbers and names)', async () => {
    await client.create(R.services, 'default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9100 }] },
    });
    const ports = [{ name: 'http', containerPort: 8080 }];
    await createPod(client, { name: 'web-1', labels: { app: 'web' }, ports, nodeName: 'n1' });
    await createPod(client, { name: 'web-2', labels: { app: 'web' }, ports, nodeName: 'n1' });
    await createPod(client, { name: 'web-noip', labels: { app: 'web' }, ports });
    await createPod(client, { name: 'web-unnamed', labels: { app: 'web' }, nodeName: 'n1' }); // no "http" container port
    await createPod(client, { name: 'other', labels: { app: 'other' }, ports });
    await setPodStatus(client, 'web-1', { ip: '10.42.0.11', ready: true });
    await setPodStatus(client, 'web-2', { ip: '10.42.0.12', ready: false });
    await setPodStatus(client, 'web-unnamed', { ip: '10.42.0.13', ready: true });
    await setPodStatus(client, 'other', { ip: '10.42.0.14', ready: true });

    const ep = await eventually(async () => {
      const e = await getEp('web');
      return notReady(e).length === 2 && ready(e).length === 3 && e;
    }, 8000, 'endpoints of web');
    assert.deepEqual(ready(ep), ['10.42.0.11:8080', '10.42.0.11:9100', '10.42.0.13:9100']);
    assert.deepEqual(notReady(ep), ['10.42.0.12:8080', '10.42.0.12:9100']);
    assert.equal(ep.metadata?.labels?.tier, 'front', 'service labels copied');
    assert.equal(ep.metadata?.ownerReferences, undefined, 'no owner: deleted by name with the service');
    assert.ok(ep.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], 'trigger time annotation');
    const addr = ep.subsets?.flatMap((s) => s.addresses ?? []).find((a) => a.ip === '10.42.0.11');
    assert.equal(addr?.nodeName, 'n1');
    assert.deepEqual(addr?.targetRef, { kind: 'Pod', namespace: 'default', name: 'web-1', uid: addr?.targetRef?.uid });
    assert.ok(addr?.targetRef?.uid);
    const http = ep.subsets?.flatMap((s) => s.ports ?? []).find((p) => p.port === 8080);
    assert.deepEqual(http, { name: 'http', port: 8080, protocol: 'TCP' });

    // kubectl shows ready IP:port pairs.
    const shown = await kubectlEndpoints('web');
    assert.match(shown ?? '', /10\.42\.0\.11:8080/);
    assert.doesNotMatch(shown ?? '', /10\.42\.0\.12/);

    // web-2 becomes ready, web-1 stops being ready.
    await setPodStatus(client, 'web-2', { ip: '10.42.0.12', ready: true });
    await setPodStatus(client, 'web-1', { ip: '10.42.0.11', ready: false });
    await eventually(async () => {
      const e = await getEp('web');
      return ready(e).includes('10.42.0.12:8080') && notReady(e).includes('10.42.0.11:8080');
    }, 8000, 'readiness swapped');
    await eventually(async () => /10\.42\.0\.12:8080/.test(await kubectlEndpoints('web') ?? ''), 8000, 'kubectl shows the new ready pod');

    // A terminating pod is no longer an endpoint (graceful deletion of a bound pod keeps it around).
    await client.delete(R.pods, 'default', 'web-2');
    await eventually(async () => !JSON.stringify((await getEp('web'))?.subsets ?? []).includes('10.42.0.12'), 8000, 'terminating pod removed');
    assert.ok((await client.get(R.pods, 'default', 'web-2')).metadata?.deletionTimestamp, 'the pod is still there, terminating');

    // Relabelled away: removed.
    await client.patch(R.pods, 'default', 'web-unnamed', { metadata: { labels: { app: 'elsewhere' } } }, 'merge');
    await eventually(async () => !JSON.stringify((await getEp('web'))?.subsets ?? []).includes('10.42.0.13'), 8000, 'relabelled pod removed');
  });

  test('publishNotReadyAddresses lists every pod as ready; headless services get the headless label', async () => {
    await client.create(R.services, 'default', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' },
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'db' }, ports: [{ port: 5432 }] },
    });
    await createPod(client, { name: 'db-0', labels: { app: 'db' }, nodeName: 'n1' });
    await setPodStatus(client, 'db-0', { ip: '10.42.0.21', ready: false });
    const ep = await eventually(async () => { const e = await getEp('db'); return ready(e).length === 1 ? e : undefined; }, 8000, 'db endpoints');
    assert.deepEqual(ready(ep), ['10.42.0.21:5432']);
    assert.equal(ep.metadata?.labels?.['service.kubernetes.io/headless'], '');
  });

  test('deleting the service deletes its Endpoints; a deleted Endpoints of a live service is recreated', async () => {
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'tmp' }, spec: { selector: { app: 'tmp' }, ports: [{ port: 80 }] } });
    await eventually(() => getEp('tmp'), 8000, 'tmp endpoints created');
    await client.delete(R.endpoints, 'default', 'tmp');
    await eventually(() => getEp('tmp'), 8000, 'tmp endpoints recreated');
    await c.kubectl(['delete', 'service', 'tmp']);
    await eventually(async () => (await getEp('tmp')) === undefined, 8000, 'tmp endpoints deleted');
  });

  test('a service without a selector keeps the Endpoints its user wrote', async () => {
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external' }, spec: { ports: [{ port: 80 }] } });
    await client.create(R.endpoints, 'default', {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }],
    });
    // Give the controller a chance to (wrongly) act, then check it did not.
    await client.create(R.services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'marker' }, spec: { selector: { app: 'marker' }, ports: [{ port: 80 }] } });
    await eventually(() => getEp('marker'), 8000, 'marker endpoints');
    assert.deepEqual(ready(await getEp('external')), ['192.0.2.1:80']);
  });
});
