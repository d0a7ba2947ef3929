// `k8ts token` and `k8ts kubectl` as a user runs them (bin/k8ts), against an in-process server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCluster, repoRoot, KUBECTL, type TestCluster } from '../helpers/cluster.js';
import { findKubectl } from '../../src/cli/kubectl.js';
import { caCertHash } from '../../src/machinery/bootstrap-token.js';

const k8ts = () => join(repoRoot(), 'bin', 'k8ts');

interface Ran { code: number; stdout: string; stderr: string }
function runK8ts(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [k8ts(), ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

let c: TestCluster;
let dataDir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  c = await startTestCluster();
  dataDir = join(c.dir, 'data');
  await mkdir(dataDir);
  await copyFile(c.kubeconfig, join(dataDir, 'kubeconfig.yaml'));
  // A user's shell: no KUBECONFIG, HOME without a ~/.kube/config.
  env = { PATH: process.env.PATH ?? '', HOME: c.dir, K8TS_DATA_DIR: dataDir, KUBECACHEDIR: join(c.dir, 'kube-cache') };
});
after(async () => { await c?.stop(); });

describe('k8ts token', () => {
  test('create prints K10<CA hash>::<id>.<secret> and stores a kubeadm-style bootstrap-token Secret', async () => {
    const r = await runK8ts(['token', 'create', '--ttl', '2h', '--description', 'for worker 7'], env);
    assert.equal(r.code, 0, r.stderr);
    const m = /^K10([0-9a-f]{64})::([a-z0-9]{6})\.([a-z0-9]{16})\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.equal(m[1], caCertHash(c.pki.ca.certPem));
    const secret = JSON.parse((await c.kubectl(['get', 'secret', '-n', 'kube-system', `bootstrap-token-${m[2]}`, '-o', 'json'])).stdout);
    assert.equal(secret.type, 'bootstrap.kubernetes.io/token');
    const data = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    assert.equal(data['token-id'], m[2]);
    assert.equal(data['token-secret'], m[3]);
    assert.equal(data['usage-bootstrap-authentication'], 'true');
    assert.equal(data['usage-bootstrap-signing'], 'true');
    assert.equal(data['auth-extra-groups'], 'system:bootstrappers:k8ts:default-node-token');
    assert.equal(data['description'], 'for worker 7');
    const expires = Date.parse(data['expiration'] ?? '');
    assert.ok(Math.abs(expires - (Date.now() + 2 * 3_600_000)) < 60_000, data['expiration']);

    const list = await runK8ts(['token', 'list', '--kubeconfig', c.kubeconfig], { ...env, K8TS_DATA_DIR: '/nonexistent' });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^TOKEN\s+TTL\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS\n/);
    assert.match(list.stdout, new RegExp(`${r.stdout.trim()}\\s+1\\d\\dm\\s+\\S+Z\\s+authentication,signing\\s+for worker 7\\s+system:bootstrappers:k8ts:default-node-token\\n`));

    const del = await runK8ts(['token', 'delete', m[2] ?? ''], env);
    assert.equal(del.stdout, `bootstrap token "${m[2]}" deleted\n`);
    assert.equal((await runK8ts(['token', 'delete', m[2] ?? ''], env)).code, 1);
  });

  test('--ttl 0 never expires; bad flags name themselves', async () => {
    const r = await runK8ts(['token', 'create', '--ttl', '0'], env);
    const id = /::([a-z0-9]{6})\./.exec(r.stdout)?.[1] ?? '';
    const secret = JSON.parse((await c.kubectl(['get', 'secret', '-n', 'kube-system', `bootstrap-token-${id}`, '-o', 'json'])).stdout);
    assert.equal(secret.data.expiration, undefined);
    const bad = await runK8ts(['token', 'create', '--ttl', 'soon'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--ttl: invalid duration "soon"/);
    const noSub = await runK8ts(['token'], env);
    assert.equal(noSub.code, 2);
    assert.match(noSub.stderr, /a subcommand is needed: create, list or delete/);
    const noCluster = await runK8ts(['token', 'list'], { ...env, K8TS_DATA_DIR: join(c.dir, 'empty') });
    assert.equal(noCluster.code, 2);
    assert.match(noCluster.stderr, /cannot read the kubeconfig .*empty\/kubeconfig.yaml/);
  });
});

describe('k8ts kubectl', () => {
  test('runs kubectl with the data directory\'s kubeconfig: args, stdin, stdout, stderr and exit code pass through', async () => {
    const ns = await runK8ts(['kubectl', 'get', 'ns', 'kube-system', '-o', 'name'], env);
    assert.deepEqual([ns.code, ns.stdout], [0, 'namespace/kube-system\n'], ns.stderr);
    const created = await runK8ts(['kubectl', 'create', '-f', '-'], env, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-k8ts' }, data: { a: '1' } }));
    assert.equal(created.stdout, 'configmap/via-k8ts created\n', created.stderr);
    const missing = await runK8ts(['kubectl', 'get', 'configmap', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): configmaps "nope" not found/);
    // --help is kubectl's, not k8ts's.
    const help = await runK8ts(['kubectl', 'get', '--help'], env);
    assert.match(help.stdout, /Display one or many resources/);
  });

  test('the user\'s --kubeconfig or KUBECONFIG wins over the data directory', async () => {
    const flag = await runK8ts(['kubectl', '--kubeconfig', join(c.dir, 'missing.yaml'), 'get', 'ns'], env);
    assert.notEqual(flag.code, 0);
    assert.match(flag.stderr, /missing\.yaml/);
    const fromEnv = await runK8ts(['kubectl', 'get', 'ns', 'default', '-o', 'name'], { ...env, K8TS_DATA_DIR: join(c.dir, 'empty'), KUBECONFIG: c.kubeconfig });
    assert.equal(fromEnv.stdout, 'namespace/default\n', fromEnv.stderr);
  });

  test('exit codes and signals of the binary are passed on; K8TS_KUBECTL picks it', async () => {
    const bin = join(c.dir, 'fake-bin');
    await mkdir(bin);
    await writeFile(join(bin, 'exit7'), '#!/bin/sh\necho "args: $*"\nexit 7\n');
    await writeFile(join(bin, 'killed'), '#!/bin/sh\nkill -TERM $$\n');
    for (const f of ['exit7', 'killed']) await chmod(join(bin, f), 0o755);
    const seven = await runK8ts(['kubectl', 'a', '--b=c'], { ...env, K8TS_KUBECTL: join(bin, 'exit7') });
    assert.deepEqual([seven.code, seven.stdout], [7, 'args: a --b=c\n']);
    const killed = await runK8ts(['kubectl'], { ...env, K8TS_KUBECTL: join(bin, 'killed') });
    assert.equal(killed.code, 128 + 15);
  });

  test('SIGTERM to k8ts reaches kubectl, and k8ts waits for it', { timeout: 60_000 }, async () => {
    const script = join(c.dir, 'trap-term');
    await writeFile(script, '#!/bin/sh\ntrap \'echo got-term; exit 42\' TERM\necho ready\nwhile :; do sleep 0.1; done\n');
    await chmod(script, 0o755);
    const child = spawn(process.execPath, [k8ts(), 'kubectl'], { env: { ...env, K8TS_KUBECTL: script }, stdio: ['ignore', 'pipe', 'pipe'] });
    const code = new Promise<number | null>((r) => child.once('exit', (c2) => r(c2)));
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      for (let i = 0; i < 600 && !out.includes('ready'); i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(out, 'ready\n', 'the script runs and has set its trap');
      child.kill('SIGTERM');
      assert.equal(await code, 42);
      assert.equal(out, 'ready\ngot-term\n');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('which kubectl: a usable version from the PATH; too old or not runnable ones are skipped with a reason', async () => {
    const old = join(c.dir, 'old-bin');
    const good = join(c.dir, 'good-bin');
    await mkdir(old);
    await mkdir(good);
    await writeFile(join(old, 'kubectl'), '#!/bin/sh\necho \'{"clientVersion":{"major":"1","minor":"20","gitVersion":"v1.20.15"}}\'\n');
    await chmod(join(old, 'kubectl'), 0o755);
    await symlink((await findKubectl({ PATH: process.env.PATH ?? '' }, { installedPath: '/nonexistent' })).path, join(good, 'kubectl'));
    const none = '/nonexistent/kubectl';
    const picked = await findKubectl({ PATH: `${old}:${good}` }, { installedPath: none });
    assert.equal(picked.path, join(good, 'kubectl'));
    assert.match(picked.version, /^v1\.32\./);
    await assert.rejects(findKubectl({ PATH: old }, { installedPath: none }), /no kubectl 1\.27–1\.33 found\. Found, but not usable: .*old-bin\/kubectl \(v1\.20\.15\)\. Install one with scripts\/install-kubectl\.sh/);
    assert.ok(KUBECTL);
  });
});
