import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../storage/index.js';
import type { Store } from '../storage/index.js';
import { createClusterCa } from '../apiserver/auth/index.js';
import { caCertHash } from '../machinery/bootstrap-token.js';
import { BOOTSTRAP_PREFIX, bootstrapKey, loadBootstrapData, saveBootstrapData, syncClusterCa } from './bootstrap-data.js';
import { formatServerToken, generateServerSecret, parseServerToken } from './server-token.js';
import { withGet } from '../../test/helpers/store.js';

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openSqliteStore({ path: ':memory:' });
  try { await fn(store); } finally { await store.close(); }
}

async function withDirs(n: number, fn: (dirs: string[]) => Promise<void>): Promise<void> {
  const dirs = await Promise.all(Array.from({ length: n }, () => mkdtemp(join(tmpdir(), 'k8ts-bootstrap-'))));
  try { await fn(dirs); } finally { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); }
}

const FILES = { 'ca.crt': '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'ca.key': 'very secret key' };

test('bootstrap data: round trip, encrypted, under /bootstrap/<hash of the secret>', async () => {
  await withStore(async (store) => {
    const secret = generateServerSecret();
    assert.match(secret, /^[0-9a-f]{32}$/);
    const saved = await saveBootstrapData(store, secret, FILES);
    assert.equal(saved.created, true);
    const key = bootstrapKey(secret);
    assert.match(key, /^\/bootstrap\/[0-9a-f]{12}$/);
    const raw = (await store.get(key))?.value.toString('utf8') ?? '';
    assert.ok(raw.length > 0);
    assert.ok(!raw.includes('very secret key') && !raw.includes('CERTIFICATE'), 'stored encrypted');
    const env = JSON.parse(raw) as { kdf: { name: string; salt: string }; cipher: string; nonce: string };
    assert.equal(env.kdf.name, 'scrypt');
    assert.equal(env.cipher, 'aes-256-gcm');
    assert.deepEqual(await loadBootstrapData(store, secret), FILES);
    // The full form of the token and `server:<secret>` name the same entry.
    const ca = await createClusterCa();
    assert.equal(bootstrapKey(formatServerToken(secret, ca.certPem)), key);
    assert.equal(bootstrapKey(`server:${secret}`), key);
    assert.deepEqual(await loadBootstrapData(store, formatServerToken(secret, ca.certPem)), FILES);
    // A second save does not overwrite: the first one's files come back.
    const again = await saveBootstrapData(store, secret, { 'ca.crt': 'other', 'ca.key': 'other' });
    assert.deepEqual(again, { files: FILES, created: false });
  });
});

test('bootstrap data: an empty datastore has none', async () => {
  await withStore(async (store) => {
    assert.equal(await loadBootstrapData(store, 'some-secret'), undefined);
  });
});

test('bootstrap data: stored by another server between our read and our look around, it is ours', async () => {
  // Three servers starting at once with one token: one reads the key (absent), another stores it,
  // then the first lists /bootstrap/ and finds that very key. It must read it, not refuse it.
  await withStore(async (store) => {
    await saveBootstrapData(store, 'shared', FILES);
    let first = true;
    const late = withGet(store, async (target, key, revision) => {
      if (first) { first = false; return undefined; }
      return target.get(key, revision);
    });
    assert.deepEqual(await loadBootstrapData(late, 'shared'), FILES);
  });
});

test('bootstrap data: a different token is told so', async () => {
  await withStore(async (store) => {
    await saveBootstrapData(store, 'the-right-token', FILES);
    await assert.rejects(loadBootstrapData(store, 'a-wrong-token'), /bootstrap data was encrypted with a different token/);
    await assert.rejects(saveBootstrapData(store, 'a-wrong-token', FILES), /bootstrap data was encrypted with a different token/);
    assert.equal((await store.list(BOOTSTRAP_PREFIX)).items.length, 1, 'the wrong token left nothing behind');
  });
});

test('bootstrap data: any changed byte fails authentication', async () => {
  await withStore(async (store) => {
    await saveBootstrapData(store, 'tok', FILES);
    const key = bootstrapKey('tok');
    const tamper = async (edit: (env: Record<string, unknown>) => void) => {
      const kv = (await store.get(key))!;
      const env = JSON.parse(kv.value.toString()) as Record<string, unknown>;
      const original = kv.value;
      edit(env);
      const cur = await store.update(key, Buffer.from(JSON.stringify(env)), kv.modRevision);
      await assert.rejects(loadBootstrapData(store, 'tok'), /altered or corrupted/);
      await store.update(key, original, cur.modRevision);
      assert.deepEqual(await loadBootstrapData(store, 'tok'), FILES);
    };
    const flip = (b64: string) => { const b = Buffer.from(b64, 'base64'); b[0] = (b[0] ?? 0) ^ 1; return b.toString('base64'); };
    await tamper((env) => { env['data'] = flip(env['data'] as string); });
    await tamper((env) => { env['tag'] = flip(env['tag'] as string); });
    await tamper((env) => { env['nonce'] = flip(env['nonce'] as string); });
    await tamper((env) => { (env['kdf'] as Record<string, string>)['salt'] = flip((env['kdf'] as Record<string, string>)['salt']!); });
    await tamper((env) => { (env['kdf'] as Record<string, number>)['N'] = 1 << 30; });
    // The entry moved under another key name (the name is authenticated too).
    const kv = (await store.get(key))!;
    await store.delete(key);
    const otherKey = bootstrapKey('tok2');
    await store.create(otherKey, kv.value);
    await assert.rejects(loadBootstrapData(store, 'tok2'), /altered or corrupted/);
  });
});

test('server tokens: full, user:secret and bare forms; join tokens are refused', async () => {
  const ca = await createClusterCa();
  const full = formatServerToken('s3cret', ca.certPem);
  assert.equal(full, `K10${caCertHash(ca.certPem)}::server:s3cret`);
  assert.deepEqual(parseServerToken(full), { secret: 's3cret', caHash: caCertHash(ca.certPem) });
  assert.deepEqual(parseServerToken(' server:s3cret\n'), { secret: 's3cret' });
  assert.deepEqual(parseServerToken('s3cret'), { secret: 's3cret' });
  assert.throws(() => parseServerToken(''), /empty/);
  assert.throws(() => parseServerToken(`K10${caCertHash(ca.certPem)}::abcdef.0123456789abcdef`), /node join token/);
  assert.throws(() => parseServerToken('node:xyz'), /not a server token/);
  assert.throws(() => parseServerToken('K10abc::server:x'), /64 hex digits/);
});

test('syncClusterCa: servers starting at once on an empty datastore converge on one CA', async () => {
  await withStore(async (store) => {
    await withDirs(4, async (dirs) => {
      const results = await Promise.all(dirs.map((d) => syncClusterCa(store, 'shared-token', join(d, 'tls'))));
      assert.equal(results.filter((r) => r.created).length, 1, 'exactly one server stored its CA');
      const certs = await Promise.all(dirs.map((d) => readFile(join(d, 'tls', 'ca.crt'), 'utf8')));
      const keys = await Promise.all(dirs.map((d) => readFile(join(d, 'tls', 'ca.key'), 'utf8')));
      assert.equal(new Set(certs).size, 1);
      assert.equal(new Set(keys).size, 1);
      assert.equal((await stat(join(dirs[0]!, 'tls', 'ca.key'))).mode & 0o777, 0o600);
      assert.deepEqual(await loadBootstrapData(store, 'shared-token'), { 'ca.crt': certs[0], 'ca.key': keys[0] });
      // Restarts are no-ops.
      assert.deepEqual(await syncClusterCa(store, 'shared-token', join(dirs[1]!, 'tls')), { created: false });
      assert.equal(await readFile(join(dirs[1]!, 'tls', 'ca.crt'), 'utf8'), certs[0]);
    });
  });
});

test('syncClusterCa: first servers with different tokens: one cluster, the other is refused', async () => {
  await withStore(async (store) => {
    await withDirs(2, async ([a, b]) => {
      const r = await Promise.allSettled([syncClusterCa(store, 'token-a', join(a!, 'tls')), syncClusterCa(store, 'token-b', join(b!, 'tls'))]);
      const ok = r.filter((x) => x.status === 'fulfilled');
      const failed = r.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
      assert.equal(ok.length, 1);
      assert.equal(failed.length, 1);
      assert.match(String(failed[0]!.reason), /different token/);
      assert.equal((await store.list(BOOTSTRAP_PREFIX)).items.length, 1);
    });
  });
});

test('syncClusterCa: an existing CA becomes the cluster\'s; a server with another CA refuses to start', async () => {
  await withStore(async (store) => {
    await withDirs(2, async ([a, b]) => {
      const own = await createClusterCa();
      await mkdir(join(a!, 'tls'), { recursive: true });
      await writeFile(join(a!, 'tls', 'ca.key'), own.keyPem);
      await writeFile(join(a!, 'tls', 'ca.crt'), own.certPem);
      assert.deepEqual(await syncClusterCa(store, 'tok', join(a!, 'tls')), { created: true });
      assert.equal((await loadBootstrapData(store, 'tok'))?.['ca.crt'], own.certPem);

      const other = await createClusterCa();
      await mkdir(join(b!, 'tls'), { recursive: true });
      await writeFile(join(b!, 'tls', 'ca.key'), other.keyPem);
      await writeFile(join(b!, 'tls', 'ca.crt'), other.certPem);
      await assert.rejects(syncClusterCa(store, 'tok', join(b!, 'tls')), /is not this cluster's CA/);
      assert.equal(await readFile(join(b!, 'tls', 'ca.crt'), 'utf8'), other.certPem, 'nothing overwritten');

      // A full token pins the CA: the cluster's passes, another cluster's does not.
      await rm(join(b!, 'tls'), { recursive: true });
      await assert.rejects(syncClusterCa(store, formatServerToken('tok', other.certPem), join(b!, 'tls')), /belongs to another cluster/);
      await syncClusterCa(store, formatServerToken('tok', own.certPem), join(b!, 'tls'));
      assert.equal(await readFile(join(b!, 'tls', 'ca.crt'), 'utf8'), own.certPem);
    });
  });
});
