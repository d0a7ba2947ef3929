// Part of bench/api's watch fan-out: COUNT watchers in this process, each its own HTTPS (TLS)
// connection as separate informers have, on a namespace's ConfigMaps from a resourceVersion.
// Writes "ready" to stderr once every watch has its response headers; records when each watcher
// saw each MODIFIED event (by the object's resourceVersion; ms since the epoch, comparable across
// processes: performance.timeOrigin + performance.now()); once each has seen EXPECTED events (or
// on SIGTERM) prints one JSON line {rv: [arrival per watcher that saw it]}, then exits.
// Usage: node fanout-child.js URL KUBECONFIG NAMESPACE RESOURCEVERSION COUNT EXPECTED
import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import { readKubeconfig } from '../../src/apiserver/auth/index.js';
import { eachLine } from './util.js';

const [url, kubeconfig, ns, rv, countText, expectedText] = process.argv.slice(2) as [string, string, string, string, string, string];
const count = Number(countText);
const expected = Number(expectedText);
const kc = await readKubeconfig(kubeconfig);
const u = new URL(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}&allowWatchBookmarks=false`, url);
const arrivals: Record<string, number[]> = {};
const requests: ClientRequest[] = [];
let finished = 0;
let failed = 0;
let connected = 0;

const done = (): void => {
  process.stdout.write(`${JSON.stringify({ arrivals, failed })}\n`, () => process.exit(0));
  for (const r of requests) r.destroy();
};

function watch(): Promise<void> {
  return new Promise((resolve) => {
    // agent: false: a connection of its own, not shared with the other watchers.
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent: false, ca: kc.caPem, cert: kc.certPem, key: kc.keyPem }, (res) => {
      if (res.statusCode !== 200) { failed++; resolve(); return; }
      connected++;
      resolve();
      let seen = 0;
      eachLine(res, (line, at) => {
        const m = /"resourceVersion":"(\d+)"/.exec(line);
        if (m?.[1] && line.startsWith('{"type":"MODIFIED"')) {
          (arrivals[m[1]] ??= []).push(at);
          if (++seen === expected && ++finished === connected) done();
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => { failed++; resolve(); });
    req.end();
    requests.push(req);
  });
}

process.on('SIGTERM', done);
// Connect 25 at a time: a thousand TLS handshakes at once would only queue in the server.
for (let i = 0; i < count; i += 25) await Promise.all(Array.from({ length: Math.min(25, count - i) }, () => watch()));
process.stderr.write(`ready ${connected} ${failed}\n`);
