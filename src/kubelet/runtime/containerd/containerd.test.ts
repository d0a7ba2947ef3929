// The containerd launcher: the config it writes is what containerd reads (checked with
// `containerd config dump`), hosts.toml files, and real starts: two side by side, a start that
// fails with containerd's own words, stop by PID.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CriClient } from '../cri/index.js';
import {
  findContainerd, renderContainerdConfig, renderRegistryHosts, startContainerd, writeRegistryHosts,
  MAX_UNIX_SOCKET_PATH,
} from './index.js';

const run = promisify(execFile);
const found = findContainerd();
const isRoot = process.getuid?.() === 0;

describe('containerd config', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp('/tmp/k8ts-ctdcfg-'); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  test('renders the settings RUNTIME.md asks for', () => {
    const text = renderContainerdConfig({
      root: '/r', state: '/s', grpcAddress: '/s/c.sock', sandboxImage: 'k8ts.io/pause:3.10', streamPort: 10010,
      cniConfDir: '/etc/k8ts/cni', cniBinDir: '/usr/lib/cni', registryConfigDir: '/etc/k8ts/certs.d', runcBinary: '/usr/sbin/runc',
    });
    for (const line of [
      'version = 2', 'root = "/r"', 'state = "/s"', 'address = "/s/c.sock"', 'address = "/s/c.sock.ttrpc"',
      'sandbox_image = "k8ts.io/pause:3.10"', 'restrict_oom_score_adj = true', 'tolerate_missing_hugetlb_controller = true',
      'disable_apparmor = true', 'enable_selinux = false', 'stream_server_address = "127.0.0.1"', 'stream_server_port = "10010"',
      'snapshotter = "overlayfs"', 'runtime_type = "io.containerd.runc.v2"', 'BinaryName = "/usr/sbin/runc"',
      'Root = "/s/runc"', 'SystemdCgroup = false', 'bin_dir = "/usr/lib/cni"', 'conf_dir = "/etc/k8ts/cni"',
      'max_conf_num = 1', 'config_path = "/etc/k8ts/certs.d"',
    ]) assert.ok(text.split('\n').some((l) => l.trim() === line), `missing: ${line}`);
  });

  test('containerd reads it back unchanged (config dump)', { skip: found.ok ? false : found.message }, async () => {
    const path = join(dir, 'config.toml');
    await writeFile(path, renderContainerdConfig({
      root: join(dir, 'root'), state: join(dir, 'state'), grpcAddress: join(dir, 'c.sock'), sandboxImage: 'k8ts.io/pause:3.10',
      streamPort: 10123, cniConfDir: join(dir, 'cni'), registryConfigDir: join(dir, 'certs.d'),
    }));
    const { stdout } = await run(found.ok ? found.containerd : 'containerd', ['--config', path, 'config', 'dump']);
    const has = (l: string) => assert.ok(stdout.split('\n').some((x) => x.trim() === l), `dump lacks: ${l}`);
    has(`root = "${join(dir, 'root')}"`);
    has(`address = "${join(dir, 'c.sock')}"`);
    has(`address = "${join(dir, 'c.sock')}.ttrpc"`);
    has('restrict_oom_score_adj = true');
    has('stream_server_port = "10123"');
    has(`Root = "${join(dir, 'state', 'runc')}"`);
    has(`conf_dir = "${join(dir, 'cni')}"`);
    has(`config_path = "${join(dir, 'certs.d')}"`);
    has(`path = "${join(dir, 'root', 'opt')}"`);
  });

  test('quotes paths safely', () => {
    const text = renderContainerdConfig({
      root: '/a "quoted"\\dir', state: '/s', grpcAddress: '/s/c.sock', sandboxImage: 'p', streamPort: 1, cniConfDir: '/c',
    });
    assert.ok(text.includes('root = "/a \\"quoted\\"\\\\dir"'));
  });

  test('hosts.toml for a plain-HTTP registry', async () => {
    const file = await writeRegistryHosts(join(dir, 'certs.d'), '10.0.0.5:5000', { plainHttp: true });
    assert.equal(file, join(dir, 'certs.d', '10.0.0.5:5000', 'hosts.toml'));
    const text = await readFile(file, 'utf8');
    assert.match(text, /^server = "http:\/\/10\.0\.0\.5:5000"$/m);
    assert.match(text, /^\[host\."http:\/\/10\.0\.0\.5:5000"\]$/m);
    assert.match(text, /capabilities = \["pull", "resolve"\]/);
    assert.match(renderRegistryHosts('reg.example:443', { skipVerify: true }), /server = "https:\/\/reg\.example:443"[\s\S]*skip_verify = true/);
    await assert.rejects(writeRegistryHosts(dir, '../evil'), /bad registry host/);
  });
});

describe('containerd process', { skip: !isRoot ? 'needs root' : found.ok ? false : found.message }, () => {
  let dir: string;
  before(async () => { dir = await mkdtemp('/tmp/k8ts-ctdp-'); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  test('two containerds side by side answer CRI, then stop by PID', async () => {
    const [a, b] = await Promise.all(['a', 'b'].map((n) => startContainerd({
      dataDir: join(dir, n), streamPort: 0, sandboxImage: 'k8ts.io/pause:3.10', cniConfDir: join(dir, n, 'cni'),
    })));
    assert.ok(a && b);
    try {
      assert.notEqual(a.pid, b.pid);
      assert.equal(a.address, `unix://${join(dir, 'a', 'containerd.sock')}`);
      for (const p of [a, b]) {
        const c = new CriClient(p.address);
        try {
          assert.equal((await c.version()).runtime_name, 'containerd');
        } finally { c.close(); }
        assert.ok(existsSync(join(p.dataDir, 'config.toml')));
        assert.ok(existsSync(join(p.dataDir, 'root')));
        assert.ok(existsSync(join(p.dataDir, 'state')));
      }
      // A bare socket path works as the endpoint too.
      const bare = new CriClient(b.socketPath);
      try { assert.equal((await bare.version()).runtime_name, 'containerd'); } finally { bare.close(); }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    assert.deepEqual(await a.exited, { code: 0, signal: null });
    assert.throws(() => process.kill(a.pid, 0), /ESRCH/);
    await a.stop(); // idempotent
    assert.match(await readFile(a.logPath, 'utf8'), /containerd successfully booted/);
    // After stop, calls fail as UNAVAILABLE.
    const c = new CriClient(a.address, { timeoutMs: 2_000 });
    try {
      await assert.rejects(c.version(), (e: unknown) => (e as { grpcCode?: string }).grpcCode === 'UNAVAILABLE');
    } finally { c.close(); }
  });

  test('a containerd that cannot start fails with its log', async () => {
    await assert.rejects(startContainerd({
      dataDir: join(dir, 'bad'), streamPort: 0, sandboxImage: 'p', cniConfDir: join(dir, 'bad', 'cni'),
      config: { logLevel: 'no-such-level' },
    }), (e: unknown) => /exited during start/.test(String(e)) && /no-such-level/.test(String(e)));
  });

  test('a containerd whose CRI plugin fails to load is reported at once', async () => {
    const t0 = Date.now();
    await assert.rejects(startContainerd({
      dataDir: join(dir, 'nocri'), streamPort: 0, sandboxImage: 'p', cniConfDir: join(dir, 'nocri', 'cni'),
      config: { snapshotter: 'no-such-snapshotter' },
    }), (e: unknown) => /without its CRI plugin/.test(String(e)) && /no-such-snapshotter/.test(String(e)));
    assert.ok(Date.now() - t0 < 10_000, 'did not wait for the ready timeout');
  });

  test('a data dir too long for a unix socket is refused', async () => {
    await assert.rejects(startContainerd({
      dataDir: join(dir, 'x'.repeat(MAX_UNIX_SOCKET_PATH)), streamPort: 0, sandboxImage: 'p', cniConfDir: join(dir, 'cni'),
    }), /too long for a unix socket/);
  });
});
