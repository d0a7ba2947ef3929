import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, sqlitePath } from './open.js';

const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-open-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('datastore endpoints', () => {
  test('map to SQLite files the way k3s names them', () => {
    assert.equal(sqlitePath('', '/var/lib/k8ts'), '/var/lib/k8ts/db/state.db');
    assert.equal(sqlitePath(undefined, '/var/lib/k8ts'), '/var/lib/k8ts/db/state.db');
    assert.equal(sqlitePath('sqlite::memory:', '/d'), ':memory:');
    assert.equal(sqlitePath('sqlite:///srv/k8ts/state.db', '/d'), '/srv/k8ts/state.db');
    assert.equal(sqlitePath('sqlite://rel/state.db', '/d'), resolve('rel/state.db'));
  });

  test('unsupported endpoints are refused by name', () => {
    assert.throws(() => sqlitePath('https://127.0.0.1:2379', '/d'), /"https:\/\/127\.0\.0\.1:2379" is not supported/);
    assert.throws(() => sqlitePath('postgres://db/k8ts', '/d'), /postgres:\/\/db\/k8ts/);
    assert.throws(() => sqlitePath('sqlite:///x.db?_journal=WAL', '/d'), /query parameters are not supported/);
  });

  test('the default store is a file under the data dir that keeps its data', async () => {
    const s1 = await openStore('', { dataDir });
    assert.ok(existsSync(join(dataDir, 'db', 'state.db')));
    const kv = await s1.create('/registry/namespaces/default', Buffer.from('{}'));
    await s1.close();
    const s2 = await openStore(undefined, { dataDir });
    assert.deepEqual(await s2.get('/registry/namespaces/default'), kv);
    await s2.close();
  });

  test('sqlite::memory: opens an empty store each time', async () => {
    const s1 = await openStore('sqlite::memory:', { dataDir });
    await s1.create('/a', Buffer.from('a'));
    await s1.close();
    const s2 = await openStore('sqlite::memory:', { dataDir });
    assert.equal(await s2.count(''), 0);
    await s2.close();
  });
});
