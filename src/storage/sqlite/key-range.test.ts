import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixEnd } from './key-range.js';
import { openSqliteStore } from './store.js';

test('prefixEnd is the next string after every key with the prefix', () => {
  assert.equal(prefixEnd('/registry/pods/default/'), '/registry/pods/default0');
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
  assert.equal(prefixEnd('a\uD7FF'), 'a\uE000');
  assert.equal(prefixEnd('\u{10FFFF}'), undefined);
});

test('prefix lists are exact for keys beyond ASCII', async () => {
  const s = await openSqliteStore({ path: ':memory:' });
  const ks = ['/n/é/a', '/n/é/\u{1F600}', '/n/é\u{10FFFF}', '/n/ê/a', '/n/e/a', '/n/\u{10FFFF}/z'];
  for (const k of ks) await s.create(k, Buffer.from(k));
  assert.deepEqual((await s.list('/n/é/')).items.map((kv) => kv.key), ['/n/é/a', '/n/é/\u{1F600}']);
  assert.deepEqual((await s.list('/n/\u{10FFFF}')).items.map((kv) => kv.key), ['/n/\u{10FFFF}/z']);
  assert.equal(await s.count('/n/'), ks.length);
  await s.close();
});
