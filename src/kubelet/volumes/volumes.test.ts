// The volume manager against a real in-process API server, on the real filesystem (tmpfs mounts
// need root, as on CI). Checks the files, modes and symlinks each plugin leaves, kube's error
// texts, atomic updates seen after a resync, subPath mounts, and teardown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, readdir, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { startTestCluster, eventually, type TestCluster } from '../../../test/helpers/cluster.js';
import { testClient } from '../../../test/helpers/controllers.js';
import { R, type ApiClient } from '../../client/index.js';
import { VolumeError, VolumeManager, type Container, type MountedVolume, type Pod, type VolumeManagerOptions } from './index.js';

let c: TestCluster;
let client: ApiClient;
let root: string;
const logs: Array<Record<string, unknown>> = [];
const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { logs.push(JSON.parse(String(chunk)) as Record<string, unknown>); cb(); } }));
const run = promisify(execFile);
const managers: Array<{ m: VolumeManager; abort: AbortController }> = [];

before(async () => {
  c = await startTestCluster();
  client = testClient(c);
  root = await mkdtemp(join(tmpdir(), 'k8ts-volumes-'));
});

after(async () => {
  for (const { abort } of managers) abort.abort();
  // Every pod directory of every test is torn down, so no tmpfs outlives the test.
  for (const { m } of managers) for (const uid of await m.podDirs()) await m.tearDown(uid);
  await rm(root, { recursive: true, force: true });
  client.close();
  await c.stop();
});

const ALLOCATABLE = { cpuMilli: 4000, memoryBytes: 8 * 1024 ** 3, ephemeralBytes: 100 * 1024 ** 3 };

function manager(o: Partial<VolumeManagerOptions> = {}): VolumeManager {
  const m = new VolumeManager({ podsDir: join(root, 'pods'), client, log, allocatable: ALLOCATABLE, ...o });
  const abort = new AbortController();
  managers.push({ m, abort });
  return m;
}

function pod(name: string, volumes: Array<Record<string, unknown>>, extra: Partial<Pod['spec']> = {}, labels?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: randomUUID(), ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'app', image: 'busybox' }], volumes: volumes as Pod['spec']['volumes'], ...extra },
  };
}

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o7777;
const text = (p: string): Promise<string> => readFile(p, 'utf8');
const b64 = (s: string): string => Buffer.from(s).toString('base64');

async function mountOf(path: string): Promise<{ fstype: string; options: string } | undefined> {
  const real = await realpath(path);
  for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) {
    const f = line.split(' ');
    if (f[4] !== real) continue;
    const sep = f.indexOf('-');
    return { fstype: f[sep + 1]!, options: f[sep + 3]! };
  }
  return undefined;
}

/** The visible names of an atomic-writer volume (without its `..` entries). */
const visible = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((n) => !n.startsWith('..')).sort();

async function createConfigMap(name: string, data: Record<string, string>, binaryData?: Record<string, string>): Promise<void> {
  await client.create(R.configmaps, 'default', { metadata: { name }, data, ...(binaryData ? { binaryData } : {}) });
}

test('configMap: every key or chosen items, modes, symlinks through ..data, read-only', async () => {
  await createConfigMap('cm-basic', { 'app.conf': 'port=80\n', other: 'x' }, { 'logo.bin': Buffer.from([0, 1, 2, 255]).toString('base64') });
  const m = manager();
  const p = pod('cm', [
    { name: 'all', configMap: { name: 'cm-basic' } },
    { name: 'some', configMap: { name: 'cm-basic', defaultMode: 0o600, items: [{ key: 'app.conf', path: 'etc/app.conf', mode: 0o640 }, { key: 'other', path: 'o' }] } },
  ]);
  const vols = await m.setUp(p);
  const all = vols.get('all')!;
  assert.equal(all.hostPath, join(root, 'pods', p.metadata!.uid!, 'volumes', 'kubernetes.io~configmap', 'all'));
  assert.equal(all.readOnly, true);
  assert.deepEqual(await visible(all.hostPath), ['app.conf', 'logo.bin', 'other']);
  assert.equal(await text(join(all.hostPath, 'app.conf')), 'port=80\n');
  assert.deepEqual([...await readFile(join(all.hostPath, 'logo.bin'))], [0, 1, 2, 255]);
  assert.equal(await readlink(join(all.hostPath, 'app.conf')), '..data/app.conf');
  const version = await readlink(join(all.hostPath, '..data'));
  assert.match(version, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);
  assert.equal(await mode(join(all.hostPath, 'app.conf')), 0o644);
  assert.equal(await mode(all.hostPath), 0o777); // configMap volumes sit on a disk emptyDir
  assert.equal(await mountOf(all.hostPath), undefined);

  const some = vols.get('some')!.hostPath;
  assert.deepEqual(await visible(some), ['etc', 'o']);
  assert.equal(await readlink(join(some, 'etc')), '..data/etc');
  assert.equal(await text(join(some, 'etc', 'app.conf')), 'port=80\n');
  assert.equal(await mode(join(some, 'etc', 'app.conf')), 0o640);
  assert.equal(await mode(join(some, 'o')), 0o600);

  // A second setUp is a no-op: same version directory.
  await m.setUp(p);
  assert.equal(await readlink(join(all.hostPath, '..data')), version);
});

test('secret: base64 data decoded onto a tmpfs, items and modes', async () => {
  await client.create(R.secrets, 'default', { metadata: { name: 'sec' }, type: 'Opaque', data: { user: b64('admin'), pass: b64('s3cr3t\n') } });
  const m = manager();
  const p = pod('sec', [
    { name: 's', secret: { secretName: 'sec' } },
    { name: 's2', secret: { secretName: 'sec', defaultMode: 0o400, items: [{ key: 'pass', path: 'creds/password' }, { key: 'user', path: 'u', mode: 0o440 }] } },
  ]);
  const vols = await m.setUp(p);
  const s = vols.get('s')!;
  assert.equal(s.hostPath, join(root, 'pods', p.metadata!.uid!, 'volumes', 'kubernetes.io~secret', 's'));
  assert.equal(s.readOnly, true);
  assert.equal((await mountOf(s.hostPath))?.fstype, 'tmpfs');
  assert.equal(await mode(s.hostPath), 0o1777);
  assert.deepEqual(await visible(s.hostPath), ['pass', 'user']);
  assert.equal(await text(join(s.hostPath, 'user')), 'admin');
  assert.equal(await text(join(s.hostPath, 'pass')), 's3cr3t\n');
  assert.equal(await mode(join(s.hostPath, 'user')), 0o644);
  const s2 = vols.get('s2')!.hostPath;
  assert.equal(await text(join(s2, 'creds', 'password')), 's3cr3t\n');
  assert.equal(await mode(join(s2, 'creds', 'password')), 0o400);
  assert.equal(await mode(join(s2, 'u')), 0o440);
  await m.tearDown(p.metadata!.uid!);
  assert.equal((await readFile('/proc/self/mountinfo', 'utf8')).includes(p.metadata!.uid!), false);
  await assert.rejects(stat(join(root, 'pods', p.metadata!.uid!)), { code: 'ENOENT' });
});

test('missing objects and keys: kube messages unless optional; other volumes still set up', async () => {
  await createConfigMap('cm-keys', { a: '1' });
  const m = manager();
  const missingCm = pod('miss1', [{ name: 'ok', emptyDir: {} }, { name: 'cfg', configMap: { name: 'nope' } }]);
  await assert.rejects(m.setUp(missingCm), (e: unknown) => {
    assert.ok(e instanceof VolumeError);
    assert.equal(e.reason, 'FailedMount');
    assert.equal(e.message, 'MountVolume.SetUp failed for volume "cfg" : configmap "nope" not found');
    assert.equal((e.cause as Error).message, 'configmap "nope" not found');
    assert.equal(e.volume, 'cfg');
    return true;
  });
  // The emptyDir was made all the same.
  assert.equal(await mode(join(root, 'pods', missingCm.metadata!.uid!, 'volumes', 'kubernetes.io~empty-dir', 'ok')), 0o777);

  await assert.rejects(m.setUp(pod('miss2', [{ name: 'sv', secret: { secretName: 'nope' } }])),
    { message: 'MountVolume.SetUp failed for volume "sv" : secret "nope" not found' });
  await assert.rejects(m.setUp(pod('miss3', [{ name: 'k', configMap: { name: 'cm-keys', items: [{ key: 'zz', path: 'z' }] } }])),
    { message: 'MountVolume.SetUp failed for volume "k" : configmap references non-existent config key: zz' });
  await client.create(R.secrets, 'default', { metadata: { name: 'sec-keys' }, data: { a: b64('1') } });
  await assert.rejects(m.setUp(pod('miss4', [{ name: 'k', secret: { secretName: 'sec-keys', items: [{ key: 'zz', path: 'z' }] } }])),
    { message: 'MountVolume.SetUp failed for volume "k" : references non-existent secret key: zz' });
  // Two failures: both listed, the first one's text is the message.
  await assert.rejects(m.setUp(pod('miss5', [{ name: 'a', configMap: { name: 'nope-a' } }, { name: 'b', secret: { secretName: 'nope-b' } }])),
    (e: unknown) => e instanceof VolumeError && e.failures.length === 2 && e.failures[1]!.message.endsWith('secret "nope-b" not found'));

  const optional = pod('opt', [
    { name: 'c', configMap: { name: 'nope', optional: true } },
    { name: 's', secret: { secretName: 'nope', optional: true } },
    { name: 'k', configMap: { name: 'cm-keys', optional: true, items: [{ key: 'zz', path: 'z' }, { key: 'a', path: 'a' }] } },
  ]);
  const vols = await m.setUp(optional);
  assert.deepEqual(await visible(vols.get('c')!.hostPath), []);
  assert.equal(await lstat(join(vols.get('c')!.hostPath, '..data')).then((s) => s.isSymbolicLink()), true);
  assert.deepEqual(await visible(vols.get('s')!.hostPath), []);
  assert.deepEqual(await visible(vols.get('k')!.hostPath), ['a']);
});

test('configMap and secret changes reach the volume on the next resync, atomically', async () => {
  await createConfigMap('cm-live', { value: 'A'.repeat(4096), gone: 'soon' });
  const m = manager({ resyncMs: 50 });
  const abort = new AbortController();
  managers.push({ m, abort });
  m.start(abort.signal);
  const p = pod('live', [
    { name: 'cfg', configMap: { name: 'cm-live' } },
    { name: 'later', configMap: { name: 'cm-later', optional: true } },
  ]);
  const dir = (await m.setUp(p)).get('cfg')!.hostPath;
  const first = await readlink(join(dir, '..data'));

  // A reader going through the user-visible name while the content changes sees one whole version or the other.
  let reading = true;
  let reads = 0;
  const reader = (async () => {
    while (reading) {
      const v = await text(join(dir, 'value'));
      assert.ok(v === 'A'.repeat(4096) || v === 'B'.repeat(4096), `torn read: ${v.slice(0, 8)}…${v.slice(-8)} (${v.length})`);
      reads++;
    }
  })();
  await client.patch(R.configmaps, 'default', 'cm-live', [{ op: 'replace', path: '/data', value: { value: 'B'.repeat(4096), added: 'new' } }], 'json');
  await eventually(async () => (await text(join(dir, 'value'))) === 'B'.repeat(4096), 5000, 'updated content');
  reading = false;
  await reader;
  assert.ok(reads > 0);
  // As kube's atomic writer does, the new version is switched in first (..data), then the visible
  // names of removed keys and the old version's directory are cleaned up: wait for that to finish.
  const second = await readlink(join(dir, '..data'));
  assert.notEqual(second, first);
  await eventually(async () => (await visible(dir)).join() === 'added,value', 5000, 'removed keys disappear, new ones appear');
  await eventually(async () => (await readdir(dir)).filter((n) => n.startsWith('..')).sort().join() === ['..data', second].sort().join(), 5000, 'old version removed');

  // An optional ConfigMap created later appears.
  await createConfigMap('cm-later', { hello: 'world' });
  const later = join(dir, '..', 'later');
  await eventually(async () => (await text(join(later, 'hello')).catch(() => '')) === 'world', 5000, 'optional configmap content');

  // A non-optional ConfigMap deleted: the content stays (refresh fails and is logged).
  await client.delete(R.configmaps, 'default', 'cm-live');
  await eventually(() => logs.some((l) => l.msg === 'volume refresh failed; content kept' && String(l.err).includes('configmap "cm-live" not found')), 5000, 'refresh failure log');
  assert.equal(await text(join(dir, 'value')), 'B'.repeat(4096));
  abort.abort();
});

test('downwardAPI: metadata fields, label/annotation files, resources with divisors; label changes on resync', async () => {
  const m = manager();
  const p = pod('down', [{
    name: 'info', downwardAPI: {
      defaultMode: 0o444,
      items: [
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } },
        { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' } },
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' }, mode: 0o400 },
        { path: 'tier', fieldRef: { fieldPath: "metadata.labels['tier']" } },
        { path: 'res/mem-limit', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
        { path: 'res/cpu-request', resourceFieldRef: { containerName: 'app', resource: 'requests.cpu', divisor: '1m' } },
        { path: 'res/cpu-limit', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu' } },
      ],
    },
  }], {
    containers: [{ name: 'app', image: 'busybox', resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } } }],
  }, { tier: 'web', app: 'shop' });
  p.metadata!.annotations = { note: 'say "hi"\nbye', 'a.b/c': 'd' };
  const vols = await m.setUp(p);
  const dir = vols.get('info')!.hostPath;
  assert.equal(dir, join(root, 'pods', p.metadata!.uid!, 'volumes', 'kubernetes.io~downward-api', 'info'));
  assert.equal(vols.get('info')!.readOnly, true);
  assert.equal(await text(join(dir, 'name')), 'down');
  assert.equal(await text(join(dir, 'ns')), 'default');
  assert.equal(await text(join(dir, 'uid')), p.metadata!.uid);
  assert.equal(await text(join(dir, 'labels')), 'app="shop"\ntier="web"');
  assert.equal(await text(join(dir, 'annotations')), 'a.b/c="d"\nnote="say \\"hi\\"\\nbye"');
  assert.equal(await text(join(dir, 'tier')), 'web');
  assert.equal(await text(join(dir, 'res', 'mem-limit')), '64');
  assert.equal(await text(join(dir, 'res', 'cpu-request')), '250');
  assert.equal(await text(join(dir, 'res', 'cpu-limit')), '4'); // no limit: node allocatable
  assert.equal(await mode(join(dir, 'name')), 0o444);
  assert.equal(await mode(join(dir, 'annotations')), 0o400);

  // The pod's labels change; the next sync's setUp hands the new pod, the resync rewrites the file.
  const changed: Pod = { ...p, metadata: { ...p.metadata, labels: { tier: 'db' } } };
  await m.setUp(changed);
  await m.resync();
  assert.equal(await text(join(dir, 'labels')), 'tier="db"');
  assert.equal(await text(join(dir, 'tier')), 'db');
});

test('projected: configMap, secret and downwardAPI sources in one tmpfs volume; token skipped without TokenRequest', async () => {
  await createConfigMap('proj-cm', { 'ca.crt': 'CERT' });
  await client.create(R.secrets, 'default', { metadata: { name: 'proj-sec' }, data: { key: b64('KEY') } });
  const m = manager();
  const p = pod('proj', [{
    name: 'api', projected: {
      defaultMode: 0o420,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { configMap: { name: 'proj-cm', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { secret: { name: 'proj-sec', items: [{ key: 'key', path: 'tls/key', mode: 0o400 }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        { configMap: { name: 'proj-missing', optional: true } },
      ],
    },
  }]);
  const vols = await m.setUp(p);
  const dir = vols.get('api')!.hostPath;
  assert.equal(dir, join(root, 'pods', p.metadata!.uid!, 'volumes', 'kubernetes.io~projected', 'api'));
  assert.equal((await mountOf(dir))?.fstype, 'tmpfs');
  assert.deepEqual(await visible(dir), ['ca.crt', 'namespace', 'tls']);
  assert.equal(await text(join(dir, 'ca.crt')), 'CERT');
  assert.equal(await text(join(dir, 'tls', 'key')), 'KEY');
  assert.equal(await text(join(dir, 'namespace')), 'default');
  assert.equal(await mode(join(dir, 'ca.crt')), 0o420);
  assert.equal(await mode(join(dir, 'tls', 'key')), 0o400);
  // This API server answers serviceaccounts/<name>/token with 501: the token source is skipped, once logged.
  const warn = logs.filter((l) => String(l.msg).includes('does not serve TokenRequest') && l.pod === 'default/proj');
  assert.equal(warn.length, 1);
  await m.resync();
  assert.equal(logs.filter((l) => String(l.msg).includes('does not serve TokenRequest') && l.pod === 'default/proj').length, 1);

  // A missing non-optional source fails the whole volume with that source's message.
  await assert.rejects(m.setUp(pod('proj2', [{ name: 'api', projected: { sources: [{ configMap: { name: 'nope' } }, { secret: { name: 'nope2' } }] } }])),
    { message: 'MountVolume.SetUp failed for volume "api" : [configmap "nope" not found, secret "nope2" not found]' });
});

test('emptyDir: disk directory 0777, Memory medium as a sized tmpfs; tearDown unmounts and removes', async () => {
  const m = manager();
  const p = pod('empty', [
    { name: 'scratch', emptyDir: {} },
    { name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    { name: 'implicit' },
  ]);
  const uid = p.metadata!.uid!;
  const vols = await m.setUp(p);
  const scratch = vols.get('scratch')!;
  assert.deepEqual(scratch, { hostPath: join(root, 'pods', uid, 'volumes', 'kubernetes.io~empty-dir', 'scratch'), readOnly: false });
  assert.equal(await mode(scratch.hostPath), 0o777);
  assert.equal(await mountOf(scratch.hostPath), undefined);
  assert.equal(await mode(vols.get('implicit')!.hostPath), 0o777);
  const cache = vols.get('cache')!.hostPath;
  const mnt = await mountOf(cache);
  assert.equal(mnt?.fstype, 'tmpfs');
  assert.match(mnt!.options, /size=16384k/);
  await writeFile(join(cache, 'f'), 'data');
  await writeFile(join(scratch.hostPath, 'g'), 'data');
  // setUp again (every pod sync): no second mount.
  await m.setUp(p);
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.split(' ')[4] === (cache)).length;
  assert.equal(mounts, 1);
  assert.ok((await m.podDirs()).includes(uid));
  await m.tearDown(uid);
  assert.equal((await readFile('/proc/self/mountinfo', 'utf8')).includes(uid), false);
  await assert.rejects(stat(join(root, 'pods', uid)), { code: 'ENOENT' });
  assert.equal((await m.podDirs()).includes(uid), false);
  assert.equal(m.trackedPods().includes(uid), false);
  await m.tearDown(uid); // idempotent

  await assert.rejects(m.setUp(pod('hp', [{ name: 'h', emptyDir: { medium: 'HugePages' } }])),
    { message: 'MountVolume.SetUp failed for volume "h" : unknown storage medium "HugePages"' });
  await assert.rejects(m.setUp(pod('pvc', [{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }])),
    { message: 'MountVolume.SetUp failed for volume "data" : no volume plugin matched: persistentVolumeClaim volumes are not supported by this node' });
});

test('hostPath: type checks and creation as kube does; tearDown leaves the host path alone', async () => {
  const host = await mkdtemp(join(tmpdir(), 'k8ts-hostpath-'));
  try {
    await writeFile(join(host, 'file'), 'keep');
    await mkdir(join(host, 'dir'));
    const sock = join(host, 'sock');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(sock, r));
    const m = manager();
    const setUp = (type: string | undefined, path: string): Promise<Map<string, MountedVolume>> =>
      m.setUp(pod('hostpath', [{ name: 'h', hostPath: { path, ...(type !== undefined ? { type } : {}) } }]));
    const failsWith = (type: string, path: string, message: string): Promise<void> =>
      assert.rejects(setUp(type, path), { message: `MountVolume.SetUp failed for volume "h" : ${message}` });

    assert.deepEqual((await setUp(undefined, join(host, 'absent'))).get('h'), { hostPath: join(host, 'absent'), readOnly: false });
    await setUp('', join(host, 'file'));
    await setUp('Directory', join(host, 'dir'));
    await failsWith('Directory', join(host, 'file'), `hostPath type check failed: ${join(host, 'file')} is not a directory`);
    await failsWith('Directory', join(host, 'none'), `hostPath type check failed: ${join(host, 'none')} is not a directory`);
    await setUp('DirectoryOrCreate', join(host, 'made', 'deep'));
    assert.equal(await mode(join(host, 'made', 'deep')), 0o755);
    await failsWith('DirectoryOrCreate', join(host, 'file'), `hostPath type check failed: ${join(host, 'file')} is not a directory`);
    await setUp('File', join(host, 'file'));
    await failsWith('File', join(host, 'dir'), `hostPath type check failed: ${join(host, 'dir')} is not a file`);
    await setUp('FileOrCreate', join(host, 'new-file'));
    assert.equal((await stat(join(host, 'new-file'))).isFile(), true);
    assert.equal(await mode(join(host, 'new-file')), 0o644);
    await assert.rejects(setUp('FileOrCreate', join(host, 'no-parent', 'f')), /ENOENT/); // parents are not created
    await failsWith('FileOrCreate', join(host, 'dir'), `hostPath type check failed: ${join(host, 'dir')} is not a file`);
    await setUp('Socket', sock);
    await failsWith('Socket', join(host, 'file'), `hostPath type check failed: ${join(host, 'file')} is not a socket file`);
    await setUp('CharDevice', '/dev/null');
    await failsWith('CharDevice', join(host, 'file'), `hostPath type check failed: ${join(host, 'file')} is not a character device`);
    await failsWith('BlockDevice', '/dev/null', 'hostPath type check failed: /dev/null is not a block device');
    await failsWith('Weird', join(host, 'file'), 'Weird is an invalid volume type');
    srv.close();

    const p = pod('hostpath-td', [{ name: 'h', hostPath: { path: host, type: 'Directory' } }]);
    await m.setUp(p);
    await m.tearDown(p.metadata!.uid!);
    assert.equal(await text(join(host, 'file')), 'keep');
  } finally {
    await rm(host, { recursive: true, force: true });
  }
});

test('mountsFor: CRI mounts with read-only, propagation, subPath and subPathExpr', async () => {
  await createConfigMap('cm-sub', { 'nginx.conf': 'events {}' });
  const m = manager();
  const p = pod('mounts', [
    { name: 'work', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'cm-sub' } },
  ]);
  const vols = await m.setUp(p);
  const work = vols.get('work')!.hostPath;
  const cfg = vols.get('cfg')!.hostPath;
  const ctr = (volumeMounts: Container['volumeMounts'], privileged = false): Container =>
    ({ name: 'app', image: 'busybox', volumeMounts, ...(privileged ? { securityContext: { privileged } } : {}) });

  const mounts = m.mountsFor(p, ctr([
    { name: 'work', mountPath: '/work' },
    { name: 'work', mountPath: '/ro', readOnly: true, mountPropagation: 'HostToContainer' },
    { name: 'cfg', mountPath: '/etc/cfg' },
    { name: 'cfg', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' },
    { name: 'work', mountPath: '/logs', subPath: 'logs/app' },
    { name: 'work', mountPath: '/per-pod', subPathExpr: 'pods/$(POD_NAME)' },
  ]), vols, { POD_NAME: 'mounts' });
  const realWork = await realpath(work);
  assert.deepEqual(mounts, [
    { container_path: '/work', host_path: work, readonly: false, propagation: 'PROPAGATION_PRIVATE' },
    { container_path: '/ro', host_path: work, readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' },
    { container_path: '/etc/cfg', host_path: cfg, readonly: true, propagation: 'PROPAGATION_PRIVATE' },
    {
      container_path: '/etc/nginx/nginx.conf', readonly: true, propagation: 'PROPAGATION_PRIVATE',
      host_path: join(await realpath(cfg), await readlink(join(cfg, '..data')), 'nginx.conf'), // resolved to the file itself
    },
    { container_path: '/logs', host_path: join(realWork, 'logs', 'app'), readonly: false, propagation: 'PROPAGATION_PRIVATE' },
    { container_path: '/per-pod', host_path: join(realWork, 'pods', 'mounts'), readonly: false, propagation: 'PROPAGATION_PRIVATE' },
  ]);
  // Missing subPath directories are made with the volume root's mode.
  assert.equal(await mode(join(work, 'logs')), 0o777);
  assert.equal(await mode(join(work, 'logs', 'app')), 0o777);
  assert.equal(await mode(join(work, 'pods', 'mounts')), 0o777);
  assert.equal(m.mountsFor(p, ctr([{ name: 'work', mountPath: '/b', mountPropagation: 'Bidirectional' }], true), vols, {})[0]!.propagation, 'PROPAGATION_BIDIRECTIONAL');

  const configError = (volumeMounts: Container['volumeMounts'], message: string, env: Record<string, string> = {}): void => {
    assert.throws(() => m.mountsFor(p, ctr(volumeMounts), vols, env), (e: unknown) =>
      e instanceof VolumeError && e.reason === 'CreateContainerConfigError' && e.message === message);
  };
  configError([{ name: 'nope', mountPath: '/x' }], 'cannot find volume "nope" to mount into container "app"');
  configError([{ name: 'work', mountPath: '/x', subPathExpr: '$(A)/$(B)/$(C)' }], 'missing value for B, C', { A: 'a', B: '' });
  configError([{ name: 'work', mountPath: '/x', subPath: '/etc' }], 'error SubPath `/etc` must not be an absolute path');
  configError([{ name: 'work', mountPath: '/x', subPath: 'a/../../etc' }], "unable to provision SubPath `a/../../etc`: must not contain '..'");
  configError([{ name: 'work', mountPath: '/x', mountPropagation: 'Bidirectional' }], 'Bidirectional mount propagation is available only to privileged containers');
  configError([{ name: 'work', mountPath: '/x', mountPropagation: 'Sideways' }], 'invalid MountPropagation mode: "Sideways"');
  // A symlink in the volume pointing out of it is refused, not followed.
  await symlink('/etc', join(work, 'escape'));
  configError([{ name: 'work', mountPath: '/x', subPath: 'escape' }], 'failed to create subPath directory for volumeMount "work" of container "app"');
  configError([{ name: 'work', mountPath: '/x', subPath: 'escape/passwd' }], 'failed to create subPath directory for volumeMount "work" of container "app"');
  await symlink('logs', join(work, 'inside'));
  assert.equal(m.mountsFor(p, ctr([{ name: 'work', mountPath: '/x', subPath: 'inside/app' }]), vols, {})[0]!.host_path, join(realWork, 'logs', 'app'));
});

test('fsGroup: volume content gets the group, group read, and setgid directories', async () => {
  await createConfigMap('cm-fsgroup', { k: 'v' });
  const m = manager();
  const p = pod('fsg', [
    { name: 'cfg', configMap: { name: 'cm-fsgroup', defaultMode: 0o600 } },
    { name: 'scratch', emptyDir: {} },
  ], { securityContext: { fsGroup: 2345 } });
  const vols = await m.setUp(p);
  const cfg = vols.get('cfg')!.hostPath;
  const f = await stat(join(cfg, 'k'));
  assert.equal(f.gid, 2345);
  assert.equal(f.mode & 0o7777, 0o640);
  const scratch = await stat(vols.get('scratch')!.hostPath);
  assert.equal(scratch.gid, 2345);
  assert.equal(scratch.mode & 0o7777, 0o2777);
  const version = await readlink(join(cfg, '..data'));
  await m.resync(); // same content, same ownership: nothing rewritten
  assert.equal(await readlink(join(cfg, '..data')), version);
});

test('a restarted kubelet (new manager) finds volumes in place: no second tmpfs, no rewrite; podDirs lists them', async () => {
  await createConfigMap('cm-restart', { k: 'v' });
  await client.create(R.secrets, 'default', { metadata: { name: 'sec-restart' }, data: { k: b64('v') } });
  const p = pod('restart', [
    { name: 'cfg', configMap: { name: 'cm-restart' } },
    { name: 's', secret: { secretName: 'sec-restart' } },
    { name: 'mem', emptyDir: { medium: 'Memory' } },
  ]);
  const uid = p.metadata!.uid!;
  const first = manager();
  const vols = await first.setUp(p);
  const version = await readlink(join(vols.get('cfg')!.hostPath, '..data'));
  const second = manager();
  assert.ok((await second.podDirs()).includes(uid));
  const again = await second.setUp(p);
  assert.deepEqual([...again.entries()], [...vols.entries()]);
  assert.equal(await readlink(join(again.get('cfg')!.hostPath, '..data')), version);
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  for (const name of ['s', 'mem']) {
    const path = await realpath(again.get(name)!.hostPath);
    assert.equal(info.split('\n').filter((l) => l.split(' ')[4] === path).length, 1, `${name} mounted once`);
  }
  await second.tearDown(uid);
  assert.equal((await readFile('/proc/self/mountinfo', 'utf8')).includes(uid), false);
});

test('a running container (runc) sees the mounts: content, a subPath file, writes to emptyDir, updates after resync', async (t) => {
  const runc = '/usr/sbin/runc';
  const busybox = '/bin/busybox';
  if (!existsSync(runc) || !existsSync(busybox)) { t.skip('runc or busybox-static not installed'); return; }
  await createConfigMap('cm-runc', { value: 'one', 'single.conf': 'pinned' });
  await client.create(R.secrets, 'default', { metadata: { name: 'sec-runc' }, data: { pw: b64('hunter2') } });
  const m = manager();
  const p = pod('runc', [
    { name: 'cfg', configMap: { name: 'cm-runc' } },
    { name: 's', secret: { secretName: 'sec-runc' } },
    { name: 'out', emptyDir: {} },
  ]);
  const vols = await m.setUp(p);
  const container: Container = {
    name: 'app', image: 'busybox',
    volumeMounts: [
      { name: 'cfg', mountPath: '/cfg' },
      { name: 'cfg', mountPath: '/single.conf', subPath: 'single.conf' },
      { name: 's', mountPath: '/secret', readOnly: true },
      { name: 'out', mountPath: '/out' },
    ],
  };
  const mounts = m.mountsFor(p, container, vols, {});

  const bundle = await mkdtemp(join(tmpdir(), 'k8ts-volumes-runc-'));
  const id = `k8ts-vol-${p.metadata!.uid!.slice(0, 8)}`;
  const state = join(bundle, 'state');
  let child: ChildProcess | undefined;
  try {
    for (const d of ['bin', 'proc', 'dev', 'sys', 'tmp']) await mkdir(join(bundle, 'rootfs', d), { recursive: true });
    await copyFile(busybox, join(bundle, 'rootfs', 'bin', 'busybox'));
    await chmod(join(bundle, 'rootfs', 'bin', 'busybox'), 0o755);
    await run(runc, ['spec', '--bundle', bundle]);
    const spec = JSON.parse(await text(join(bundle, 'config.json'))) as {
      process: { terminal: boolean; args: string[] }; root: { readonly: boolean };
      mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
    };
    spec.process.terminal = false;
    const script = 'echo ok > /out/written; touch /secret/x 2>/dev/null && echo secret-writable; ' +
      'while true; do echo "cfg=$(/bin/busybox cat /cfg/value) single=$(/bin/busybox cat /single.conf) pw=$(/bin/busybox cat /secret/pw)"; /bin/busybox sleep 0.05; done';
    spec.process.args = ['/bin/busybox', 'sh', '-c', script];
    spec.root.readonly = false;
    // CRI Mount → OCI bind mount, as containerd's CRI plugin does.
    for (const cm of mounts) spec.mounts.push({ destination: cm.container_path, type: 'bind', source: cm.host_path, options: ['rbind', cm.readonly ? 'ro' : 'rw', 'rprivate'] });
    await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
    child = spawn(runc, ['--root', state, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
    await eventually(() => out.includes('cfg=one single=pinned pw=hunter2'), 10_000, `container output (${out})`);
    assert.equal(await text(join(vols.get('out')!.hostPath, 'written')), 'ok\n');
    assert.equal(out.includes('secret-writable'), false); // read-only mount

    await client.patch(R.configmaps, 'default', 'cm-runc', { data: { value: 'two', 'single.conf': 'changed' } }, 'merge');
    await m.resync();
    // The directory mount follows the ..data swap; the subPath file mount stays on the version it was made from (as in kube).
    await eventually(() => out.includes('cfg=two single=pinned pw=hunter2'), 10_000, `updated container output (${out.slice(-200)})`);
  } finally {
    await run(runc, ['--root', state, 'kill', id, 'KILL']).catch(() => undefined);
    if (child && child.exitCode === null) await new Promise((r) => child!.once('exit', r));
    await run(runc, ['--root', state, 'delete', '-f', id]).catch(() => undefined);
    await rm(bundle, { recursive: true, force: true });
    await m.tearDown(p.metadata!.uid!);
  }
});
