// Three `k8ts server` processes on a three-member etcd, driven by the real kubectl: every server
// serves the same objects, the scheduler fails over to another server when its leader dies, and
// losing an etcd member loses no acknowledged write.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type EtcdCluster } from '../helpers/etcd.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { eventually, KUBECTL, repoRoot, runCommand, type KubectlResult } from '../helpers/cluster.js';

const LEASE_SECONDS = 15; // the scheduler's and controller manager's Lease, as kube's default

interface Member { name: string; server: ServerProcess; kubeconfig: string }

describe('three servers on a three-member etcd', { timeout: 240_000 }, () => {
  let dir: string;
  let etcd: EtcdCluster;
  const members: Member[] = [];
  const sims: ChildProcess[] = [];

  const kubectlRaw = (m: Member, args: string[]): Promise<KubectlResult> =>
    runCommand(KUBECTL, ['--kubeconfig', m.kubeconfig, ...args], { ...process.env, HOME: dir }, 30_000);
  const kubectl = async (m: Member, args: string[]): Promise<string> => {
    const r = await kubectlRaw(m, args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} against ${m.name} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const alive = () => members.filter((m) => m.server.child.exitCode === null && m.server.child.signalCode === null);
  /** The server whose log says it became leader of the Lease under the identity that holds it now. */
  const holder = async (lease: string, via: Member): Promise<Member | undefined> => {
    const identity = (await kubectl(via, ['get', 'lease', '-n', 'kube-system', lease, '-o', 'jsonpath={.spec.holderIdentity}'])).trim();
    if (!identity) return undefined;
    return members.find((m) => m.server.log().includes(`"lease":"kube-system/${lease}","identity":"${identity}","msg":"became leader"`));
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-ha-'));
    etcd = await startEtcd({ members: 3 });
    const endpoint = `etcd://${etcd.endpoints.join(',')}`;
    const token = `k8ts-ha-${randomBytes(8).toString('hex')}`;
    // All three start at once: the datastore settles on one CA for the cluster.
    const started = await Promise.all(['a', 'b', 'c'].map(async (name) => {
      const data = join(dir, name);
      const server = await startServerProcess(repoRoot(), data, ['--datastore-endpoint', endpoint, '--token', token]);
      return { name, server, kubeconfig: join(data, 'kubeconfig.yaml') };
    }));
    members.push(...started);
  });

  after(async () => {
    for (const s of sims) s.kill('SIGKILL');
    await Promise.all(members.map((m) => m.server.stop()));
    await etcd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('kubectl against any server sees the same objects, and one server\'s write reaches another\'s watch', async () => {
    const [a, b, c] = members as [Member, Member, Member];
    // A watch through C, opened before the write through A.
    const watch = spawn(KUBECTL, ['--kubeconfig', c.kubeconfig, 'get', 'configmaps', '-n', 'default', '--watch-only', '-o', 'name'], { env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    watch.stdout.on('data', (d: Buffer) => { seen += d.toString(); });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await kubectl(a, ['create', 'configmap', 'shared', '--from-literal=k=from-a']);
      await eventually(() => seen.includes('configmap/shared'), 10_000, 'the watch through c to see the write through a');
    } finally {
      watch.kill();
    }
    for (const m of [b, c]) {
      assert.equal((await kubectl(m, ['get', 'configmap', 'shared', '-o', 'jsonpath={.data.k}'])).trim(), 'from-a');
    }
    // Optimistic concurrency holds across servers: an update through B from A's stale copy is refused.
    const stale = JSON.parse(await kubectl(a, ['get', 'configmap', 'shared', '-o', 'json'])) as { data: Record<string, string> };
    await kubectl(b, ['patch', 'configmap', 'shared', '-p', '{"data":{"k":"from-b"}}']);
    stale.data.k = 'stale';
    const staleFile = join(dir, 'stale.json');
    await writeFile(staleFile, JSON.stringify(stale));
    const r = await kubectlRaw(c, ['replace', '-f', staleFile]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /the object has been modified/);
    // Each server's admin kubeconfig is trusted by the others (one cluster CA).
    const urls = members.map((m) => m.server.url);
    for (const m of members) {
      for (const url of urls) {
        assert.equal((await kubectl(m, ['--server', url, 'get', 'configmap', 'shared', '-o', 'jsonpath={.data.k}'])).trim(), 'from-b');
      }
    }
    // The `kubernetes` Service lists the three servers.
    const ports = await eventually(async () => {
      const out = await kubectl(a, ['get', 'endpointslices', '-n', 'default', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'jsonpath={.items[*].ports[*].port}']);
      const found = out.trim().split(/\s+/).filter(Boolean).map(Number).sort();
      return found.length === 3 ? found : undefined;
    }, 30_000, 'the kubernetes EndpointSlices to list three servers');
    assert.deepEqual(ports, urls.map((u) => Number(new URL(u).port)).sort());
  });

  test('the scheduler fails over when its server dies, and a Deployment made afterwards is scheduled', async () => {
    const first = await eventually(() => holder('kube-scheduler', members[0]!), 30_000, 'a scheduler leader');
    const others = members.filter((m) => m !== first);
    const survivor = others[0]!;
    // Two hollow nodes, reporting to a server that stays up.
    const sim = spawn(process.execPath, [join(repoRoot(), 'bin', 'k8ts'), 'sim', '--kubeconfig', survivor.kubeconfig, '--nodes', '2', '--name-prefix', 'ha-node-'], { stdio: 'ignore' });
    sims.push(sim);
    await eventually(async () => (await kubectl(survivor, ['get', 'nodes', '-o', 'name'])).trim().split('\n').filter(Boolean).length === 2, 30_000, 'two nodes');

    const killedAt = Date.now();
    first.server.child.kill('SIGKILL');
    const next = await eventually(async () => {
      const h = await holder('kube-scheduler', survivor);
      return h && h !== first ? h : undefined;
    }, (LEASE_SECONDS + 15) * 1000, 'another server to take the scheduler lease');
    const takeoverMs = Date.now() - killedAt;
    console.log(`# scheduler lease: ${first.name} killed, ${next.name} leads ${takeoverMs} ms later (lease ${LEASE_SECONDS} s, retry 2 s)`);
    // The candidates watch the lease: one takes it as it runs out, one lease duration after the dead
    // server's last renewal (so at most that after the kill); 1.5 s for this test's kubectl polling.
    assert.ok(takeoverMs <= LEASE_SECONDS * 1000 + 1500, `takeover took ${takeoverMs} ms`);
    assert.ok(alive().includes(next));

    await kubectl(survivor, ['create', 'deployment', 'after-failover', '--image=registry.k8s.io/pause:3.10', '--replicas=3']);
    await eventually(async () => {
      const out = await kubectl(survivor, ['get', 'pods', '-l', 'app=after-failover', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}{" "}{.status.phase}{"\\n"}{end}']);
      const rows = out.trim().split('\n').filter(Boolean);
      return rows.length === 3 && rows.every((r) => /^ha-node-\d Running$/.test(r.trim()));
    }, 60_000, 'three pods of the new Deployment scheduled and Running');
    const ready = await kubectl(survivor, ['rollout', 'status', 'deployment/after-failover', '--timeout=60s']);
    assert.match(ready, /successfully rolled out/);
  });

  test('killing an etcd member loses no acknowledged write, and writes go on', async () => {
    const servers = alive();
    assert.ok(servers.length >= 2);
    const acked: string[] = [];
    let failed = 0;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const m = servers[i % servers.length]!;
        const name = `w-${i}`;
        const r = await kubectlRaw(m, ['create', 'configmap', name, '-n', 'default', `--from-literal=i=${i}`]);
        if (r.code === 0) acked.push(name); else failed++;
      }
    })();
    await eventually(() => acked.length >= 10, 30_000, 'writes before the kill');
    const leaderMember = await etcd.leader();
    await etcd.killMember(leaderMember); // the hardest member to lose: an election follows
    const atKill = acked.length;
    await eventually(() => acked.length >= atKill + 20, 60_000, 'writes after an etcd member died');
    stop = true;
    await writer;
    console.log(`# etcd member ${leaderMember} (leader) killed: ${acked.length} writes acknowledged, ${failed} refused while it was failing over`);
    const listed = new Set((await kubectl(servers[0]!, ['get', 'configmaps', '-n', 'default', '-o', 'name'])).trim().split('\n').map((l) => l.replace('configmap/', '')));
    const lost = acked.filter((n) => !listed.has(n));
    assert.deepEqual(lost, [], 'every acknowledged write is there');
    await etcd.restartMember(leaderMember);
  });
});
