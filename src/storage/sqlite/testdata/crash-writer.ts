// Child process for the crash test in ../durability.test.ts: writes keys to the store at argv[2]
// with 16 writes in flight, printing each key only after its write resolved (was acknowledged),
// until it is killed.
import { openSqliteStore } from '../store.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: crash-writer DB_PATH');
const store = await openSqliteStore({ path });
let next = 0;
const writer = async (): Promise<never> => {
  for (;;) {
    const key = `/crash/${String(next++).padStart(8, '0')}`;
    await store.create(key, Buffer.from(key));
    process.stdout.write(`${key}\n`);
  }
};
await Promise.all(Array.from({ length: 16 }, writer));
