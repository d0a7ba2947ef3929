// Issue 2: a write is acknowledged only once it is on disk. Kill -9 the server in the middle of a
// stream of creates, restart it on the same data dir, and find every create that answered 201.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cluster.js';
import { call, startServerProcess } from '../helpers/server-process.js';

test('kill -9 during a stream of creates loses no acknowledged create', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-crash-'));
  try {
    const first = await startServerProcess(repoRoot(), dir);
    const acknowledged: string[] = [];
    let attempted = 0;
    let stop = false;
    const writers = Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const name = `cm-${w}-${i}`;
        attempted++;
        try {
          const r = await call(first, 'POST', '/api/v1/namespaces/default/configmaps',
            { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
          if (r.status === 201) acknowledged.push(name);
        } catch {
          return; // the connection died with the server
        }
      }
    });
    // Let the stream run, then kill the server without warning while writes are in flight.
    while (acknowledged.length < 300) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await new Promise((r) => first.child.exitCode !== null || first.child.signalCode !== null ? r(undefined) : first.child.once('exit', r));
    assert.ok(attempted > acknowledged.length, 'some creates were still in flight when the server died');

    const second = await startServerProcess(repoRoot(), dir);
    try {
      const list = JSON.parse((await call(second, 'GET', '/api/v1/namespaces/default/configmaps')).body) as { items: Array<{ metadata: { name: string } }> };
      const stored = new Set(list.items.map((i) => i.metadata.name));
      const lost = acknowledged.filter((n) => !stored.has(n));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged creates were lost`);
    } finally {
      await second.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
