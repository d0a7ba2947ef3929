// SQLite-specific behaviour: data on disk survives close and crash, revisions continue after a
// restart, a failed transaction rejects its whole batch, compaction frees rows without stalling
// writers, and a watcher that cannot keep up is ended.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openSqliteStore } from './store.js';
import { WatchOverflowError } from './watch-hub.js';
import { INITIAL_REVISION } from './schema.js';
import { COMPACT_CHUNK } from './compact.js';

const here = dirname(fileURLToPath(import.meta.url));
// Run from source (tsx) or from the build output (plain .js) alike.
const fromSource = import.meta.url.endsWith('.ts');
const crashWriter = join(here, 'testdata', fromSource ? 'crash-writer.ts' : 'crash-writer.js');
const repoRoot = join(here, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-durability-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = (): string => join(dir, `t${n++}.db`);
const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('sqlite store on disk', () => {
  test('a new store is at the initial revision and its first write takes the next one', async () => {
    const s = await openSqliteStore({ path: freshPath() });
    assert.equal(await s.currentRevision(), INITIAL_REVISION);
    assert.equal((await s.create('/a', buf('a'))).modRevision, INITIAL_REVISION + 1);
    assert.deepEqual((await s.list('')).items.length, 1);
    await s.close();
  });

  test('everything written survives close and reopen; revisions continue', async () => {
    const path = freshPath();
    const s1 = await openSqliteStore({ path });
    const kvs = await Promise.all(Array.from({ length: 50 }, (_, i) => s1.create(`/k/${i}`, buf(`v${i}`))));
    const first = kvs[0];
    assert.ok(first !== undefined);
    const updated = await s1.update('/k/0', buf('changed'), first.modRevision);
    await s1.delete('/k/1');
    const before = await s1.list('/k/');
    const oldRev = updated.modRevision - 1;
    const oldList = await s1.list('/k/', { revision: oldRev });
    const rev = await s1.currentRevision();
    await s1.close();

    const s2 = await openSqliteStore({ path });
    assert.equal(await s2.currentRevision(), rev);
    assert.deepEqual(await s2.list('/k/'), before);
    assert.deepEqual(await s2.list('/k/', { revision: oldRev }), oldList);
    assert.equal((await s2.create('/k/new', buf('n'))).modRevision, rev + 1);
    await s2.close();
  });

  test('the revision survives even when compaction removed the newest log row', async () => {
    const path = freshPath();
    const s1 = await openSqliteStore({ path });
    await s1.create('/a', buf('a'));
    const del = await s1.delete('/a');
    await s1.compact(del.modRevision);
    await s1.close();
    const raw = new Database(path, { readonly: true });
    assert.deepEqual(raw.prepare('SELECT count(*) AS n FROM log').get(), { n: 0 });
    raw.close();
    const s2 = await openSqliteStore({ path });
    assert.equal(await s2.currentRevision(), del.modRevision);
    assert.equal(await s2.compactedRevision(), del.modRevision);
    assert.equal((await s2.create('/a', buf('again'))).modRevision, del.modRevision + 1);
    await s2.close();
  });

  test('acknowledged writes survive SIGKILL of the writing process', async () => {
    const path = freshPath();
    const args = fromSource ? ['--import', 'tsx', crashWriter, path] : [crashWriter, path];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child printed too little: ${err}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Complete lines only: the last element of the split is a line still being written.
        if (out.split('\n').slice(0, -1).filter((l) => l.startsWith('/crash/')).length > 500) { clearTimeout(timer); resolve(); }
      });
    });
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const acknowledged = out.split('\n').slice(0, -1).filter((l) => l.startsWith('/crash/'));
    assert.ok(acknowledged.length > 500);
    const s = await openSqliteStore({ path });
    const stored = new Set((await s.list('/crash/')).items.map((kv) => kv.key));
    const lost = acknowledged.filter((k) => !stored.has(k));
    assert.deepEqual(lost, [], 'every acknowledged key is on disk');
    await s.close();
  });

  test('a failed transaction rejects every write of its batch and publishes nothing', async () => {
    const path = freshPath();
    const s1 = await openSqliteStore({ path });
    await s1.create('/ok', buf('ok'));
    await s1.close();
    // An I/O error stand-in: a trigger that aborts the transaction when one key is written.
    const raw = new Database(path);
    raw.exec(`CREATE TRIGGER fail BEFORE INSERT ON log WHEN NEW.key = '/fail'
              BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    raw.close();

    const s = await openSqliteStore({ path });
    const rev = await s.currentRevision();
    const ac = new AbortController();
    const it = s.watch('/', rev, ac.signal)[Symbol.asyncIterator]();
    const results = await Promise.allSettled([s.create('/a', buf('a')), s.create('/fail', buf('x')), s.create('/b', buf('b'))]);
    for (const r of results) assert.ok(r.status === 'rejected' && /injected failure/.test(String(r.reason)));
    assert.equal(await s.currentRevision(), rev);
    assert.equal(await s.get('/a'), undefined);
    const c = await s.create('/c', buf('c'));
    assert.equal(c.modRevision, rev + 1, 'revisions of the failed batch are reused');
    const first = await it.next();
    assert.equal(first.done, false);
    assert.deepEqual(first.value, { type: 'create', kv: c });
    ac.abort();
    await s.close();
  });

  test('compaction removes superseded rows in chunks without holding up writes', async () => {
    const path = freshPath();
    const s = await openSqliteStore({ path });
    let kv = await s.create('/hot', buf('0'));
    await s.create('/gone', buf('x'));
    await s.delete('/gone');
    for (let i = 1; i <= COMPACT_CHUNK * 2; i++) kv = await s.update('/hot', buf(String(i)), kv.modRevision);
    const target = kv.modRevision;
    const compaction = s.compact(target).then(() => 'compaction');
    const write = s.create('/during', buf('d')).then(() => 'write');
    assert.equal(await Promise.race([compaction, write]), 'write', 'a write lands between compaction chunks');
    await compaction;
    assert.deepEqual(await s.get('/hot', target), kv);
    await s.close();
    const raw = new Database(path, { readonly: true });
    const keys = raw.prepare('SELECT key FROM log ORDER BY rev').all();
    raw.close();
    assert.deepEqual(keys, [{ key: '/hot' }, { key: '/during' }]);
  });

  test('a watcher that falls too far behind is ended with WatchOverflowError after its buffer', async () => {
    const s = await openSqliteStore({ path: ':memory:', maxWatchBuffer: 5 });
    const ac = new AbortController();
    const it = s.watch('/', await s.currentRevision(), ac.signal)[Symbol.asyncIterator]();
    const first = it.next(); // registers the watcher
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.create(`/k/${i}`, buf('x'))));
    const got: string[] = [];
    got.push((await first).value?.kv.key ?? '');
    await assert.rejects(async () => {
      for (;;) {
        const r = await it.next();
        if (r.done === true) break;
        got.push(r.value.kv.key);
      }
    }, WatchOverflowError);
    assert.deepEqual(got, ['/k/0', '/k/1', '/k/2', '/k/3', '/k/4'], 'the buffered events, then the error');
    // Other watchers and writers are unaffected.
    assert.equal(await s.count('/k/'), 10);
    ac.abort();
    await s.close();
  });

  test('close commits queued writes and ends watches cleanly', async () => {
    const s = await openSqliteStore({ path: ':memory:' });
    const ac = new AbortController();
    const watching = (async () => {
      const seen: string[] = [];
      for await (const ev of s.watch('/', await s.currentRevision(), ac.signal)) seen.push(ev.kv.key);
      return seen;
    })();
    await new Promise<void>((resolve) => setImmediate(resolve));
    const write = s.create('/queued', buf('q'));
    await s.close();
    assert.equal((await write).key, '/queued');
    assert.deepEqual(await watching, ['/queued']);
    await assert.rejects(s.create('/late', buf('l')), /closed/);
  });
});
