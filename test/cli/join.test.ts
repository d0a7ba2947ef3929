// The join path through real processes: `k8ts server` (its controllers on their own thread, with
// the CA files the server hands them), `k8ts token create`, then a node's bootstrap with the
// printed token, and the real kubectl with the node's kubeconfig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, KUBECTL } from '../helpers/cluster.js';
import { startServerProcess } from '../helpers/server-process.js';
import { bootstrapNodeCredentials } from '../../src/kubelet/bootstrap/index.js';

const run = promisify(execFile);

test('k8ts server + k8ts token create + a node bootstrapping with the token', { timeout: 90_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-join-'));
  const server = await startServerProcess(repoRoot(), join(dir, 'server'));
  try {
    const { stdout: token } = await run(process.execPath, [join(repoRoot(), 'bin', 'k8ts'), 'token', 'create', '--data-dir', join(dir, 'server')]);
    assert.match(token, /^K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
    const creds = await bootstrapNodeCredentials({ server: server.url, token: token.trim(), nodeName: 'node-a', nodeIPs: ['127.0.0.1'], dir: join(dir, 'node-a'), timeoutMs: 30_000 });
    assert.deepEqual(creds.issued, { client: true, serving: true });
    const env = { ...process.env, KUBECONFIG: creds.kubeconfigPath, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
    const csrs = await run(KUBECTL, ['get', 'csr', '-o', 'custom-columns=SIGNER:.spec.signerName,REQUESTOR:.spec.username,ISSUED:.status.certificate', '--no-headers'], { env });
    const rows = csrs.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' ')).sort();
    assert.deepEqual(rows.map((r) => r.replace(/system:bootstrap:\w+/, 'system:bootstrap:ID')), [
      'kubernetes.io/kube-apiserver-client-kubelet system:bootstrap:ID',
      'kubernetes.io/kubelet-serving system:node:node-a',
    ]);
    assert.doesNotMatch(csrs.stdout, /<none>\s*$/m, 'both issued');
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
