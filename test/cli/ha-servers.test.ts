// Several `k8ts server`s on one datastore (in one process, sharing one store object as they would
// share one etcd): one CA through the bootstrap data, each other's admin credentials accepted, and
// the `kubernetes` Service's endpoints following the live servers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/index.js';
import { parseFlags } from '../../src/cli/flags.js';
import { serverCommand, serverConfig, startServer, type ServerConfig } from '../../src/cli/server.js';
import { R, createClient, loadKubeconfig, microTime, type ApiClient } from '../../src/client/index.js';
import type { KubeObject } from '../../src/machinery/object.js';
import { caCertHash } from '../../src/machinery/bootstrap-token.js';

function config(dir: string, extra: string[], lease = { renew: 200, duration: 1000 }): ServerConfig {
  const f = parseFlags(serverCommand, ['--data-dir', dir, '--https-port', '0', '--disable-controllers', 'all', '--disable-scheduler', '--log-level', 'warn', ...extra]);
  return { ...serverConfig(f), apiserverLeaseRenewMs: lease.renew, apiserverLeaseDurationMs: lease.duration };
}

async function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let err: unknown;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (e) { err = e; }
    if (Date.now() > deadline) assert.fail(`${what}: last seen ${JSON.stringify(last)}${err ? ` (${String(err)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Endpoints = KubeObject & { subsets?: { addresses?: { ip: string }[]; ports?: { name?: string; port: number }[] }[] };
type Slice = KubeObject & { addressType?: string; endpoints?: { addresses: string[] }[]; ports?: { name?: string; port: number }[] };

/** `ip:port` of every address in Endpoints default/kubernetes and in its EndpointSlices. */
async function kubernetesEndpoints(client: ApiClient): Promise<{ endpoints: string[]; slices: string[] }> {
  const ep = await client.get<Endpoints>(R.endpoints, 'default', 'kubernetes');
  const endpoints = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => (s.ports ?? []).map((p) => `${a.ip}:${p.port}/${p.name}`))).sort();
  const list = await client.list<Slice>(R.endpointslices, 'default', { labelSelector: 'kubernetes.io/service-name=kubernetes' });
  const slices = list.items.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses.flatMap((a) => (s.ports ?? []).map((p) => `${a}:${p.port}/${p.name}`)))).sort();
  return { endpoints, slices };
}

test('two servers, one datastore, one token: one CA, each accepts the other\'s admin, both in the kubernetes endpoints', { timeout: 90_000 }, async () => {
  const store = await openSqliteStore({ path: ':memory:' });
  const root = await mkdtemp(join(tmpdir(), 'k8ts-ha-'));
  const [a, b, c] = [join(root, 'a'), join(root, 'b'), join(root, 'c')];
  const token = 'ha-test-secret';
  // Both start at once against the empty datastore.
  const [s1, s2] = await Promise.all([startServer(config(a, ['--token', token]), { store }), startServer(config(b, ['--token', token]), { store })]);
  let s2Stopped = false;
  const clients: ApiClient[] = [];
  try {
    const ca = await readFile(join(a, 'tls', 'ca.crt'), 'utf8');
    assert.equal(await readFile(join(b, 'tls', 'ca.crt'), 'utf8'), ca, 'one CA');
    assert.equal(await readFile(join(b, 'tls', 'ca.key'), 'utf8'), await readFile(join(a, 'tls', 'ca.key'), 'utf8'));
    assert.notEqual(await readFile(join(b, 'tls', 'apiserver.crt'), 'utf8'), await readFile(join(a, 'tls', 'apiserver.crt'), 'utf8'), 'serving certificates are each server\'s own');
    for (const d of [a, b]) {
      assert.equal((await readFile(join(d, 'token'), 'utf8')).trim(), `K10${caCertHash(ca)}::server:${token}`);
      assert.equal((await stat(join(d, 'token'))).mode & 0o777, 0o600);
    }

    // Each server accepts the other's admin kubeconfig (and serves a certificate it verifies).
    const kc1 = loadKubeconfig(s1.kubeconfig);
    const kc2 = loadKubeconfig(s2.kubeconfig);
    const c12 = createClient({ ...kc1, server: s2.url });
    const c21 = createClient({ ...kc2, server: s1.url });
    const c1 = createClient(kc1);
    clients.push(c12, c21, c1);
    assert.ok((await c12.list(R.namespaces, '')).items.some((n) => n.metadata?.name === 'kube-system'));
    await c21.create(R.configmaps, 'default', { metadata: { name: 'written-through-s1' }, data: { a: '1' } });
    assert.equal((await c12.get(R.configmaps, 'default', 'written-through-s1')).metadata?.name, 'written-through-s1', 'one datastore');

    // A server with another token is refused.
    await assert.rejects(startServer(config(c, ['--token', 'not-the-token']), { store }), /bootstrap data was encrypted with a different token/);

    // The kubernetes Service: both servers, each with its own port, in Endpoints and EndpointSlices.
    const both = [`127.0.0.1:${s1.port}/https`, `127.0.0.1:${s2.port}/https`].sort();
    await eventually('both servers listed', () => kubernetesEndpoints(c1), (v) => JSON.stringify(v.endpoints) === JSON.stringify(both) && JSON.stringify(v.slices) === JSON.stringify(both));
    const ep = await c1.get(R.endpoints, 'default', 'kubernetes');
    assert.equal(ep.metadata?.labels?.['endpointslice.kubernetes.io/skip-mirror'], 'true');
    const leases = await c1.list(R.leases, 'kube-system', { labelSelector: 'apiserver.kubernetes.io/identity=kube-apiserver' });
    assert.equal(leases.items.length, 2);
    assert.ok(leases.items.every((l) => /^apiserver-[0-9a-f]+$/.test(l.metadata?.name ?? '')));

    // A server that dies without a word (its lease is not renewed) drops out when its lease expires,
    // and its lease is removed a while later.
    const now = Date.now();
    await c1.create(R.leases, 'kube-system', {
      metadata: { name: 'apiserver-gone', labels: { 'apiserver.kubernetes.io/identity': 'kube-apiserver' }, annotations: { 'k8ts.io/advertise-address': '10.9.9.9', 'k8ts.io/secure-port': '6443' } },
      spec: { holderIdentity: 'apiserver-gone_x', leaseDurationSeconds: 2, renewTime: microTime(now) },
    });
    await eventually('the dead server listed while its lease lasts', () => kubernetesEndpoints(c1), (v) => v.endpoints.includes('10.9.9.9:6443/https') && v.slices.includes('10.9.9.9:6443/https'));
    await eventually('the dead server dropped', () => kubernetesEndpoints(c1), (v) => JSON.stringify(v.endpoints) === JSON.stringify(both) && JSON.stringify(v.slices) === JSON.stringify(both));
    await eventually('its lease deleted', async () => (await c1.list(R.leases, 'kube-system')).items.map((l) => l.metadata?.name), (names) => !names.includes('apiserver-gone'));

    // A server that stops removes itself at once.
    await s2.stop();
    s2Stopped = true;
    const one = [`127.0.0.1:${s1.port}/https`];
    // (Eventually, not at once: the other server may write from a lease list read just before.)
    await eventually('the stopped server dropped', () => kubernetesEndpoints(c1), (v) => JSON.stringify(v) === JSON.stringify({ endpoints: one, slices: one }), 5_000);
    assert.equal((await c1.list(R.leases, 'kube-system', { labelSelector: 'apiserver.kubernetes.io/identity=kube-apiserver' })).items.length, 1);
  } finally {
    for (const cl of clients) cl.close();
    if (!s2Stopped) await s2.stop();
    await s1.stop();
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
});

test('a first server on a shared (non-SQLite) datastore generates the token; another joins with --token-file', { timeout: 60_000 }, async () => {
  const store = await openSqliteStore({ path: ':memory:' });
  const root = await mkdtemp(join(tmpdir(), 'k8ts-ha-'));
  const [a, b] = [join(root, 'a'), join(root, 'b')];
  // The endpoint only says "not SQLite"; the store handed in is what the servers use.
  const s1 = await startServer(config(a, ['--datastore-endpoint', 'etcd://127.0.0.1:2379'], { renew: 10_000, duration: 15_000 }), { store });
  let s2;
  let s1Running = true;
  try {
    const tokenFile = join(a, 'token');
    assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
    const ca = await readFile(join(a, 'tls', 'ca.crt'), 'utf8');
    assert.match(await readFile(tokenFile, 'utf8'), new RegExp(`^K10${caCertHash(ca)}::server:[0-9a-f]{32}\\n$`));
    s2 = await startServer(config(b, ['--datastore-endpoint', 'etcd://127.0.0.1:2379', '--token-file', tokenFile], { renew: 10_000, duration: 15_000 }), { store });
    assert.equal(await readFile(join(b, 'tls', 'ca.crt'), 'utf8'), ca);
    assert.equal(await readFile(join(b, 'token'), 'utf8'), await readFile(tokenFile, 'utf8'));
    // Restarting the first without any token flag: DATA/token is reused.
    await s1.stop();
    s1Running = false;
    const again = await startServer(config(a, ['--datastore-endpoint', 'etcd://127.0.0.1:2379'], { renew: 10_000, duration: 15_000 }), { store });
    assert.equal(await readFile(join(a, 'tls', 'ca.crt'), 'utf8'), ca);
    await again.stop();
  } finally {
    await s2?.stop();
    if (s1Running) await s1.stop();
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
});
