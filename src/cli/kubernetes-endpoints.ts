// The endpoints of the `kubernetes` Service: every live API server (kube-apiserver's "lease"
// endpoint reconciler, pkg/controlplane/reconcilers/lease.go, with the EndpointsAdapter that writes
// the EndpointSlice too). Every server, not only a leader, runs it:
// - it keeps a Lease in kube-system named after its identity (labelled
//   apiserver.kubernetes.io/identity=kube-apiserver, as kube-apiserver's identity leases are),
//   renewed every interval and carrying its advertised address and secure port in annotations;
// - then it writes Endpoints default/kubernetes (and EndpointSlice kubernetes) listing the servers
//   whose leases are unexpired. Servers on different ports (several on one host) get one subset
//   and one slice per port; kube-apiserver assumes one port for all.
// A server that stops deletes its lease and writes the endpoints without itself; one that dies
// drops out when its lease expires, and its lease is deleted by the others a while later.
// Like kube, it never writes an empty endpoint list: with no live lease at all it leaves them be.
import { createHash, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { R, microTime, type ApiClient } from '../client/index.js';
import { isStatusError } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/object.js';
import { realClock, type Clock } from '../machinery/clock.js';

export const LEASE_NAMESPACE = 'kube-system';
export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
export const IDENTITY_VALUE = 'kube-apiserver';
export const ADDRESS_ANNOTATION = 'k8ts.io/advertise-address';
export const PORT_ANNOTATION = 'k8ts.io/secure-port';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const SERVICE = 'kubernetes';
const SERVICE_NAMESPACE = 'default';
const PORT_NAME = 'https';

/** kube-apiserver renews every 10 s and its master leases live 15 s (--endpoint-reconciler-type=lease). */
export const DEFAULT_RENEW_INTERVAL_MS = 10_000;
export const DEFAULT_LEASE_DURATION_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface KubernetesEndpointsOptions {
  client: ApiClient;
  /** Names the lease: stable across restarts of one server (see apiServerLeaseName). */
  leaseName: string;
  hostname: string;
  /** The IP other servers, nodes and pods reach this server at. */
  address: string;
  port: number;
  renewIntervalMs?: number;
  leaseDurationMs?: number;
  log: Logger;
  clock?: Clock;
}

interface LeaseSpec { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string }
type Lease = KubeObject & { spec?: LeaseSpec };
export interface Member { address: string; port: number }

/** `apiserver-<hash>`: one name per host and data directory, so a restarted server takes its lease back. */
export function apiServerLeaseName(hostname: string, dataDir: string): string {
  return `apiserver-${createHash('sha256').update(`${hostname}\0${dataDir}`).digest('hex').slice(0, 26)}`;
}

/** The live servers a list of leases names; expired leases are returned apart. */
export function liveMembers(leases: readonly Lease[], now: number): { live: Member[]; expired: Lease[] } {
  const live: Member[] = [];
  const expired: Lease[] = [];
  for (const l of leases) {
    const renewed = Date.parse(l.spec?.renewTime ?? '');
    const ttl = (l.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (!Number.isFinite(renewed) || renewed + ttl <= now) { expired.push(l); continue; }
    const address = l.metadata?.annotations?.[ADDRESS_ANNOTATION] ?? '';
    const port = Number(l.metadata?.annotations?.[PORT_ANNOTATION]);
    if (isIP(address) !== 0 && Number.isInteger(port) && port > 0 && port < 65536) live.push({ address, port });
  }
  return { live, expired };
}

/** Groups members by (address family, port), in a stable order: IPv4 first, then by port. */
function groups(members: readonly Member[]): { family: 'IPv4' | 'IPv6'; port: number; addresses: string[] }[] {
  const byKey = new Map<string, { family: 'IPv4' | 'IPv6'; port: number; addresses: Set<string> }>();
  for (const m of members) {
    const family = isIP(m.address) === 6 ? 'IPv6' : 'IPv4';
    const k = `${family}/${m.port}`;
    let g = byKey.get(k);
    if (!g) byKey.set(k, g = { family, port: m.port, addresses: new Set() });
    g.addresses.add(m.address);
  }
  return [...byKey.values()]
    .sort((a, b) => (a.family === b.family ? a.port - b.port : a.family === 'IPv4' ? -1 : 1))
    .map((g) => ({ family: g.family, port: g.port, addresses: [...g.addresses].sort() }));
}

/** The subsets kube would write (one per port, addresses sorted; RepackSubsets' shape). */
export function desiredSubsets(members: readonly Member[]): unknown[] {
  const byPort = new Map<number, Set<string>>();
  for (const m of members) {
    let s = byPort.get(m.port);
    if (!s) byPort.set(m.port, s = new Set());
    s.add(m.address);
  }
  return [...byPort.entries()].sort((a, b) => a[0] - b[0]).map(([port, ips]) => ({
    addresses: [...ips].sort().map((ip) => ({ ip })),
    ports: [{ name: PORT_NAME, port, protocol: 'TCP' }],
  }));
}

/** The EndpointSlices: `kubernetes` for the first group, `kubernetes-<family>-<port>` for others. */
export function desiredSlices(members: readonly Member[]): KubeObject[] {
  return groups(members).map((g, i) => ({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: i === 0 ? SERVICE : `${SERVICE}-${g.family.toLowerCase()}-${g.port}`, namespace: SERVICE_NAMESPACE, labels: { [SERVICE_NAME_LABEL]: SERVICE } },
    addressType: g.family,
    endpoints: g.addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: PORT_NAME, port: g.port, protocol: 'TCP' }],
  }));
}

/** The parts of Endpoints that the reconciler owns, in a comparable form. */
function subsetsKey(subsets: unknown): string {
  const out = (Array.isArray(subsets) ? subsets : []).map((s: { addresses?: { ip?: string }[]; notReadyAddresses?: unknown[]; ports?: { name?: string; port?: number; protocol?: string }[] }) => ({
    a: (s.addresses ?? []).map((a) => a.ip ?? '').sort(),
    n: (s.notReadyAddresses ?? []).length,
    p: (s.ports ?? []).map((p) => `${p.name ?? ''}/${p.port ?? 0}/${p.protocol ?? 'TCP'}`),
  }));
  return JSON.stringify(out);
}

function sliceKey(s: KubeObject): string {
  const o = s as KubeObject & { addressType?: string; endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[]; ports?: { name?: string; port?: number; protocol?: string }[] };
  return JSON.stringify({
    t: o.addressType,
    e: (o.endpoints ?? []).map((e) => [(e.addresses ?? []).join(','), e.conditions?.ready === true]),
    p: (o.ports ?? []).map((p) => `${p.name ?? ''}/${p.port ?? 0}/${p.protocol ?? 'TCP'}`),
    l: o.metadata?.labels ?? {},
  });
}

const retryable = (e: unknown) => isStatusError(e) && (e.code === 409);

/** Writes Endpoints default/kubernetes and its EndpointSlices for these members (no-op when they already say so). */
export async function writeKubernetesEndpoints(client: ApiClient, members: readonly Member[]): Promise<void> {
  const subsets = desiredSubsets(members);
  for (let attempt = 0; ; attempt++) {
    try {
      let cur: KubeObject | undefined;
      try {
        cur = await client.get(R.endpoints, SERVICE_NAMESPACE, SERVICE);
      } catch (e) {
        if (!isStatusError(e) || e.code !== 404) throw e;
      }
      const labels = { ...(cur?.metadata?.labels ?? {}), [SKIP_MIRROR_LABEL]: 'true' };
      if (!cur) {
        await client.create(R.endpoints, SERVICE_NAMESPACE, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: SERVICE, namespace: SERVICE_NAMESPACE, labels }, subsets });
      } else if (subsetsKey(cur['subsets']) !== subsetsKey(subsets) || cur.metadata?.labels?.[SKIP_MIRROR_LABEL] !== 'true') {
        await client.update(R.endpoints, SERVICE_NAMESPACE, { ...cur, metadata: { ...cur.metadata, labels }, subsets });
      }
      break;
    } catch (e) {
      if (!retryable(e) || attempt >= 2) throw e;
    }
  }
  const want = desiredSlices(members);
  for (let attempt = 0; ; attempt++) {
    try {
      const have = (await client.list(R.endpointslices, SERVICE_NAMESPACE, { labelSelector: `${SERVICE_NAME_LABEL}=${SERVICE}` })).items;
      // Slices of the service that are not ours to keep (another family or port, gone): removed, as kube does.
      for (const s of have) {
        if (want.some((w) => w.metadata?.name === s.metadata?.name)) continue;
        await client.delete(R.endpointslices, SERVICE_NAMESPACE, s.metadata?.name ?? '').catch((e: unknown) => {
          if (!isStatusError(e) || e.code !== 404) throw e;
        });
      }
      for (const w of want) {
        const cur = have.find((s) => s.metadata?.name === w.metadata?.name);
        if (!cur) await client.create(R.endpointslices, SERVICE_NAMESPACE, w);
        else if ((cur as { addressType?: string }).addressType !== (w as { addressType?: string }).addressType) {
          // addressType is immutable: replace the slice.
          await client.delete(R.endpointslices, SERVICE_NAMESPACE, cur.metadata?.name ?? '', { preconditions: { resourceVersion: cur.metadata?.resourceVersion ?? '' } });
          await client.create(R.endpointslices, SERVICE_NAMESPACE, w);
        } else if (sliceKey(cur) !== sliceKey(w)) {
          await client.update(R.endpointslices, SERVICE_NAMESPACE, { ...w, metadata: { ...cur.metadata, labels: w.metadata?.labels } });
        }
      }
      return;
    } catch (e) {
      if (!retryable(e) || attempt >= 2) throw e;
    }
  }
}

export interface RunningKubernetesEndpoints {
  /** One renew and reconcile now (tests; the loop runs one every interval). */
  syncNow(): Promise<void>;
  /** Stops renewing, deletes this server's lease and writes the endpoints without it. */
  stop(): Promise<void>;
}

export function startKubernetesEndpoints(o: KubernetesEndpointsOptions): RunningKubernetesEndpoints {
  const clock = o.clock ?? realClock;
  const interval = o.renewIntervalMs ?? DEFAULT_RENEW_INTERVAL_MS;
  const duration = o.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
  const holder = `${o.leaseName}_${randomUUID()}`;
  const log = o.log.child({ component: 'kubernetes-endpoints' });
  const self: Member = { address: o.address, port: o.port };
  const abort = new AbortController();
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const leaseBody = (now: number, prev?: Lease): Lease => ({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      ...(prev?.metadata ?? {}),
      name: o.leaseName, namespace: LEASE_NAMESPACE,
      labels: { ...(prev?.metadata?.labels ?? {}), [IDENTITY_LABEL]: IDENTITY_VALUE, 'kubernetes.io/hostname': o.hostname },
      annotations: { ...(prev?.metadata?.annotations ?? {}), [ADDRESS_ANNOTATION]: o.address, [PORT_ANNOTATION]: String(o.port) },
    },
    spec: {
      ...(prev?.spec ?? {}),
      holderIdentity: holder,
      leaseDurationSeconds: Math.max(1, Math.ceil(duration / 1000)),
      acquireTime: prev?.spec?.holderIdentity === holder ? prev.spec.acquireTime ?? microTime(now) : microTime(now),
      renewTime: microTime(now),
    },
  });

  async function renew(): Promise<void> {
    const now = clock.now();
    let cur: Lease | undefined;
    try {
      cur = await o.client.get<Lease>(R.leases, LEASE_NAMESPACE, o.leaseName);
    } catch (e) {
      if (!isStatusError(e) || e.code !== 404) throw e;
    }
    if (cur) await o.client.update(R.leases, LEASE_NAMESPACE, leaseBody(now, cur));
    else await o.client.create(R.leases, LEASE_NAMESPACE, leaseBody(now));
  }

  async function reconcile(includeSelf: boolean): Promise<void> {
    const now = clock.now();
    const leases = (await o.client.list<Lease>(R.leases, LEASE_NAMESPACE, { labelSelector: `${IDENTITY_LABEL}=${IDENTITY_VALUE}` })).items;
    const { live, expired } = liveMembers(leases.filter((l) => includeSelf || l.metadata?.name !== o.leaseName), now);
    if (includeSelf && !live.some((m) => m.address === self.address && m.port === self.port)) live.push(self); // just renewed: the list may lag
    // Leases expired for a whole further lease duration belong to servers that are gone (kube's
    // apiserver lease garbage collector); the resourceVersion precondition spares a late renewal.
    for (const l of expired) {
      const renewed = Date.parse(l.spec?.renewTime ?? '');
      const ttl = (l.spec?.leaseDurationSeconds ?? 0) * 1000;
      if (Number.isFinite(renewed) && renewed + 2 * ttl > now) continue;
      await o.client.delete(R.leases, LEASE_NAMESPACE, l.metadata?.name ?? '', { preconditions: { resourceVersion: l.metadata?.resourceVersion ?? '' } })
        .catch((e: unknown) => { if (!isStatusError(e) || (e.code !== 404 && e.code !== 409)) throw e; });
    }
    if (live.length === 0) return; // never erase every endpoint (kube refuses too)
    await writeKubernetesEndpoints(o.client, live);
  }

  const syncNow = (): Promise<void> => {
    const run = chain.then(async () => {
      if (stopped) return;
      await renew();
      await reconcile(true);
    });
    chain = run.catch(() => undefined);
    return run;
  };

  void (async () => {
    while (!abort.signal.aborted) {
      await syncNow().catch((e: unknown) => { if (!abort.signal.aborted) log.warn({ err: e }, 'could not update the kubernetes service endpoints'); });
      await clock.sleep(interval, abort.signal).catch(() => undefined);
    }
  })();

  return {
    syncNow,
    stop: async () => {
      abort.abort();
      const leave = async () => {
        await chain;
        stopped = true;
        await o.client.delete(R.leases, LEASE_NAMESPACE, o.leaseName).catch((e: unknown) => { if (!isStatusError(e) || e.code !== 404) throw e; });
        await reconcile(false);
      };
      // Bounded: a server stopping because its datastore is gone must still stop (its lease then expires).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timed out')), STOP_TIMEOUT_MS); });
      try {
        await Promise.race([leave(), timeout]);
      } catch (e) {
        log.warn({ err: e }, 'could not remove this server from the kubernetes service endpoints');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
