import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { storeConformance } from '../conformance.js';
import { openSqliteStore } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

storeConformance('sqlite in memory', () => openSqliteStore({ path: ':memory:' }));
storeConformance('sqlite file', () => openSqliteStore({ path: join(dir, `conformance-${n++}.db`) }));
