// Runs every compiled test file (dist/**/*.test.js) with Node's test runner.
// Usage: node scripts/test.mjs [substring filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => p.includes(f)))) files.push(p);
  }
}
for (const top of ['src', 'test']) {
  try { walk(join(root, 'dist', top)); } catch { /* absent */ }
}
files.sort();
if (files.length === 0) { console.error('no test files found under dist/: run "npm run build" first'); process.exit(1); }
const concurrency = process.env.K8TS_TEST_CONCURRENCY ?? '2';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
