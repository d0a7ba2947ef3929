import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd } from '../../test/helpers/etcd.js';
import { etcdEndpoints, openStore, sqlitePath } from './open.js';

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

  test('unsupported endpoints are refused by name', async () => {
    assert.throws(() => sqlitePath('https://127.0.0.1:2379', '/d'), /"https:\/\/127\.0\.0\.1:2379" is not supported/);
    assert.throws(() => sqlitePath('postgres://db/k8ts', '/d'), /postgres:\/\/db\/k8ts/);
    assert.throws(() => sqlitePath('sqlite:///x.db?_journal=WAL', '/d'), /query parameters are not supported/);
    await assert.rejects(openStore('postgres://db/k8ts', { dataDir }), /"postgres:\/\/db\/k8ts" is not supported/);
    await assert.rejects(openStore('mysql://root@tcp(db:3306)/k8ts', { dataDir }), /is not supported/);
    await assert.rejects(openStore('sqlite::memory:', { dataDir, etcdCaFile: '/ca.crt' }), /etcd TLS files were given/);
  });

  test('name etcd members the way k3s does, or as etcd://', () => {
    assert.deepEqual(etcdEndpoints('etcd://10.0.0.1:2379,10.0.0.2:2379'), ['10.0.0.1:2379', '10.0.0.2:2379']);
    assert.deepEqual(etcdEndpoints('etcd://etcd-0'), ['etcd-0']);
    assert.deepEqual(etcdEndpoints('https://etcd-0:2379,https://etcd-1:2379'), ['https://etcd-0:2379', 'https://etcd-1:2379']);
    assert.deepEqual(etcdEndpoints('http://127.0.0.1:2379'), ['http://127.0.0.1:2379']);
    for (const sqlite of [undefined, '', 'sqlite::memory:', 'sqlite:///x.db']) assert.equal(etcdEndpoints(sqlite), undefined);
    assert.throws(() => etcdEndpoints('https://a:2379,b:2379'), /give every member its scheme/);
    assert.throws(() => etcdEndpoints('https://a:2379,http://b:2379'), /mix http:\/\/ and https:\/\//);
    assert.throws(() => etcdEndpoints('etcd://a:2379,https://b:2379'), /etcd:\/\/host:port,host:port/);
    assert.throws(() => etcdEndpoints('etcd://a:2379,'), /an empty member/);
    assert.throws(() => etcdEndpoints('https://a:2379/registry'), /expected host:port/);
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

describe('etcd datastore endpoints', () => {
  test('etcd:// and http:// open the same etcd', async () => {
    const etcd = await startEtcd();
    try {
      const s1 = await openStore(`etcd://${etcd.endpoints.join(',')}`, { dataDir });
      assert.equal(s1.name, 'etcd');
      const kv = await s1.create('/registry/namespaces/default', Buffer.from('{}'));
      await s1.close();
      const s2 = await openStore(etcd.urls.join(','), { dataDir });
      assert.deepEqual(await s2.get('/registry/namespaces/default'), kv);
      await s2.close();
    } finally {
      await etcd.stop();
    }
  });

  test('https:// and etcd:// with the etcd TLS files', async () => {
    const etcd = await startEtcd({ tls: true });
    try {
      assert.ok(etcd.tls);
      const files = { etcdCaFile: etcd.tls.caFile, etcdCertFile: etcd.tls.certFile, etcdKeyFile: etcd.tls.keyFile };
      const s1 = await openStore(etcd.urls.join(','), { dataDir, ...files });
      const kv = await s1.create('/registry/namespaces/default', Buffer.from('{}'));
      await s1.close();
      const s2 = await openStore(`etcd://${etcd.endpoints.join(',')}`, { dataDir, ...files });
      assert.deepEqual(await s2.get('/registry/namespaces/default'), kv);
      await s2.close();
      await assert.rejects(openStore(`http://${etcd.endpoints[0]}`, { dataDir, ...files }), /use https:\/\//);
    } finally {
      await etcd.stop();
    }
  });
});
