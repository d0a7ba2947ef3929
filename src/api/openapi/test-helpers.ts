// Test support: builds dist/openapi/*.json from the installed client-node, as `npm run build` does,
// so tests run against freshly generated definitions. Not exported from index.ts.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let repoRoot = here;
while (!existsSync(join(repoRoot, 'package.json'))) repoRoot = dirname(repoRoot);
// Compiled (dist/): the generator reads the compiled patch tags; from source it needs tsx.
const compiled = here.split('/').includes('dist');
let warnings: string | undefined;

/** Runs scripts/gen-openapi.mjs once per process (under tsx, so it reads patch-tags.ts from source);
 *  returns what it printed on stderr (warnings about patch tags naming unknown fields). */
export function generateDefinitions(): string {
  if (warnings === undefined) {
    const args = compiled ? ['scripts/gen-openapi.mjs'] : ['--import', 'tsx', 'scripts/gen-openapi.mjs'];
    const run = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`gen-openapi failed: ${run.stderr}`);
    warnings = run.stderr;
  }
  return warnings;
}
