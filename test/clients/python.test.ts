// The official Python client (Debian's python3-kubernetes) against k8ts: typed create, read, patch,
// list with a selector, errors as ApiException with kube's status and reason, the scale subresource,
// and a watch (the client sends `watch=True`, which kube reads as true).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, startTestCluster, testdataDir, type TestCluster } from '../helpers/cluster.js';

// Debian's interpreter: the client is a Debian package, and another python3 may come first on PATH.
const PYTHON = '/usr/bin/python3';

let c: TestCluster;
before(async () => { c = await startTestCluster(); });
after(async () => { await c.stop(); });

test('the Python client: CRUD, errors, scale and a watch', async (t) => {
  const probe = existsSync(PYTHON) ? await runCommand(PYTHON, ['-c', 'import kubernetes'], process.env, 30_000) : undefined;
  if (probe?.code !== 0) { t.skip('python3-kubernetes is not installed (scripts/install-deps.sh --test installs it)'); return; }
  const r = await runCommand(PYTHON, [join(testdataDir('clients', 'testdata'), 'python_client.py'), c.kubeconfig], process.env, 60_000);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    duplicate: [409, 'AlreadyExists'],
    missing: [404, 'NotFound'],
    patched: { k: 'v', k2: 'v2' },
    listed: ['a'],
    scale: 4,
    deploymentReplicas: 4,
    watched: [['ADDED', 'b'], ['DELETED', 'b']],
  });
});
