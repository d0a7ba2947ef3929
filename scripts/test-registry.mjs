#!/usr/bin/env node
// Serve the k8ts test images (web, crash, logger — busybox based) from a local registry, in the
// foreground, for trying things by hand. Ctrl-C stops the registry and removes its storage.
//
//   node scripts/test-registry.mjs [--port 5000] [--auth USER:PASSWORD]
//
// Then, for example:
//   ctr -n k8s.io images pull --plain-http 127.0.0.1:5000/k8ts-test/web:1
//   kubectl run web --image 127.0.0.1:5000/k8ts-test/web:1 --port 80
// Needs docker-registry and skopeo (and apache2-utils for --auth) from apt, and the dev
// dependencies (tsx) from npm: it runs test/helpers/registry.ts directly.
import { register } from 'tsx/esm/api';

const args = process.argv.slice(2);
let port = 5000;
let auth;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--port') port = Number(args[++i]);
  else if (a === '--auth') {
    const [username, ...rest] = String(args[++i] ?? '').split(':');
    if (!username || rest.length === 0) { console.error('--auth wants USER:PASSWORD'); process.exit(2); }
    auth = { username, password: rest.join(':') };
  } else if (a === '-h' || a === '--help') {
    console.log('usage: node scripts/test-registry.mjs [--port 5000] [--auth USER:PASSWORD]');
    process.exit(0);
  } else { console.error(`unknown argument: ${a}`); process.exit(2); }
}
if (!Number.isInteger(port) || port <= 0 || port > 65535) { console.error('--port wants a port number'); process.exit(2); }

register();
const { startTestRegistry } = await import('../test/helpers/registry.ts');
const started = Date.now();
const registry = await startTestRegistry({ port, ...(auth ? { auth } : {}) });
console.log(`registry on http://${registry.host} (built and pushed in ${Date.now() - started} ms)${auth ? ` — user ${auth.username}` : ''}`);
for (const [name, ref] of Object.entries(registry.images)) console.log(`  ${name.padEnd(7)} ${ref}`);
console.log('Ctrl-C to stop.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await registry.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30); // the registry child is unref'd: keep this process in the foreground
