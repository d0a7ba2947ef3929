// Loads the definitions scripts/gen-openapi.mjs writes at build time (dist/openapi/*.json), once.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Definitions, GroupVersionPath, OpenAPIResource } from './types.js';

/**
 * Where the generated files are: K8TS_OPENAPI_DIR if set; else beside the compiled code
 * (dist/src/api/openapi/ → dist/openapi/); else, when run from source with tsx
 * (src/api/openapi/ → <repo>/dist/openapi/).
 */
function openapiDir(): string {
  const fromEnv = process.env['K8TS_OPENAPI_DIR'];
  const candidates = [
    ...(fromEnv ? [fromEnv] : []),
    fileURLToPath(new URL('../../../openapi/', import.meta.url)),
    fileURLToPath(new URL('../../../dist/openapi/', import.meta.url)),
  ];
  for (const dir of candidates) {
    if (existsSync(`${dir}/definitions.json`)) return dir;
  }
  throw new Error(`OpenAPI definitions not found in ${candidates.join(', ')}: run \`npm run build\` ` +
    '(or `node --import tsx scripts/gen-openapi.mjs`)');
}

let definitions: Definitions | undefined;
let resources: Readonly<Record<GroupVersionPath, readonly OpenAPIResource[]>> | undefined;

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(`${openapiDir()}/${name}`, 'utf8')) as unknown;
}

/** Built-in definitions by Kubernetes name (io.k8s.api.apps.v1.Deployment). Read once, then shared: do not mutate. */
export function loadDefinitions(): Definitions {
  definitions ??= deepFreeze(readJson('definitions.json') as Definitions);
  return definitions;
}

/** Built-in resources per group-version path (`api/v1`, `apis/apps/v1`), from client-node's API paths. */
export function loadResources(): Readonly<Record<GroupVersionPath, readonly OpenAPIResource[]>> {
  resources ??= deepFreeze(readJson('resources.json') as Record<GroupVersionPath, OpenAPIResource[]>);
  return resources;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
