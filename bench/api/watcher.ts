// A watcher in its own process (as an informer would be): watches a namespace's ConfigMaps from a
// resourceVersion and prints, as one JSON line, when each ADDED event arrived (ms since the epoch,
// sub-millisecond: performance.timeOrigin + performance.now(), comparable across processes).
// Usage: node watcher.js URL KUBECONFIG NAMESPACE RESOURCEVERSION EXPECTED
import { request, Agent } from 'node:https';
import { readKubeconfig } from '../../src/apiserver/auth/index.js';
import { eachLine } from './util.js';

const [url, kubeconfig, ns, rv, expectedText] = process.argv.slice(2) as [string, string, string, string, string];
const expected = Number(expectedText);
const kc = await readKubeconfig(kubeconfig);
const agent = new Agent({ ca: kc.caPem, cert: kc.certPem, key: kc.keyPem });
const arrivals: Record<string, number> = {};
let seen = 0;
const u = new URL(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rv}`, url);
const done = () => { process.stdout.write(`${JSON.stringify(arrivals)}\n`); process.exit(0); };
const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent }, (res) => {
  process.stderr.write('watching\n');
  eachLine(res, (line, at) => {
    const m = /"type":"ADDED","object":\{.*?"name":"([^"]+)"/.exec(line);
    if (m?.[1]) { arrivals[m[1]] = at; seen++; }
    if (seen >= expected) done();
  });
});
req.end();
process.on('SIGTERM', done);
