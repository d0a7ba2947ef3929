// `k8ts server`, `k8ts kubeconfig`, `k8ts version` as a user runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, KUBECTL } from '../helpers/cluster.js';
import { startServerProcess } from '../helpers/server-process.js';

const run = promisify(execFile);
const k8ts = () => join(repoRoot(), 'bin', 'k8ts');

test('k8ts --help, version and each command\'s --help', async () => {
  const top = await run(process.execPath, [k8ts(), '--help']);
  assert.match(top.stdout, /server\s+Run the k8ts control plane/);
  const v = await run(process.execPath, [k8ts(), 'version']);
  assert.match(v.stdout, /^k8ts version v\d+\.\d+\.\d+\nKubernetes API v1\.32/);
  const h = await run(process.execPath, [k8ts(), 'server', '--help']);
  for (const flag of ['--data-dir', '--bind-address', '--https-port', '--datastore-endpoint', '--datastore-cafile', '--datastore-certfile', '--datastore-keyfile', '--token', '--token-file', '--advertise-address']) assert.ok(h.stdout.includes(flag), flag);
  await assert.rejects(run(process.execPath, [k8ts(), 'server', '--https-port', 'nope']), /--https-port: invalid port/);
  await assert.rejects(run(process.execPath, [k8ts(), 'server', '--advertise-address', 'example.com']), /--advertise-address: "example.com" is not an IP address/);
});

test('k8ts server: first start creates PKI and kubeconfig, logs one line, restarts reuse them, SIGTERM stops it', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cli-'));
  try {
    const s1 = await startServerProcess(repoRoot(), dir);
    const ca1 = await readFile(join(dir, 'tls', 'ca.crt'), 'utf8');
    assert.equal((await stat(join(dir, 'kubeconfig.yaml'))).mode & 0o777, 0o600);
    const env = { ...process.env, KUBECONFIG: join(dir, 'kubeconfig.yaml'), KUBECACHEDIR: join(dir, 'cache') };
    const ns = await run(KUBECTL, ['get', 'ns', '-o', 'name'], { env });
    assert.match(ns.stdout, /namespace\/kube-system/);
    const exit = new Promise<number | null>((r) => s1.child.once('exit', (code) => r(code)));
    s1.child.kill('SIGTERM');
    assert.equal(await exit, 0, 'SIGTERM is a clean shutdown');

    const s2 = await startServerProcess(repoRoot(), dir);
    try {
      assert.equal(await readFile(join(dir, 'tls', 'ca.crt'), 'utf8'), ca1, 'the CA is reused');
      const kc = await run(process.execPath, [k8ts(), 'kubeconfig', '--data-dir', dir]);
      assert.match(kc.stdout, /client-certificate-data:/);
      assert.ok(kc.stdout.includes(s2.url), 'the kubeconfig points at the running server');
      const env2 = { ...env, KUBECONFIG: join(dir, 'kubeconfig.yaml') };
      assert.match((await run(KUBECTL, ['get', 'ns', 'default', '-o', 'name'], { env: env2 })).stdout, /namespace\/default/);
    } finally {
      await s2.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
