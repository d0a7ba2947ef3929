import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from './clock.js';

test('realClock.sleep waits about as long as asked, and longer than the 2^31 ms timer limit without firing early', async () => {
  const t0 = Date.now();
  await realClock.sleep(30);
  assert.ok(Date.now() - t0 >= 29);
  const abort = new AbortController();
  let woke = false;
  const long = realClock.sleep(2 ** 31 + 1000, abort.signal).then(() => { woke = true; }, () => undefined);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(woke, false, 'a 25-day sleep does not end at once');
  abort.abort();
  await long;
  assert.equal(woke, false);
});
