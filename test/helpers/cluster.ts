// A real API server in-process for tests: free port on 127.0.0.1, in-memory SQLite, its own PKI
// and kubeconfig in a temp dir, and the real kubectl pointed at it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync, realpathSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import pino from 'pino';
import { openStore } from '../../src/storage/index.js';
import type { Store } from '../../src/storage/index.js';
import type { WatchCacheOptions } from '../../src/storage/watchcache/index.js';
import { ensureClusterPki, issueClientCert, writeAdminKubeconfig, x509Authenticator, type ClusterPki } from '../../src/apiserver/auth/index.js';
import { startApiServer, type RunningApiServer } from '../../src/apiserver/server.js';

export interface TestCluster {
  url: string;
  dir: string;
  kubeconfig: string;
  pki: ClusterPki;
  store: Store;
  server: RunningApiServer;
  /** Run the real kubectl; resolves with its output, rejects (with stdout/stderr on the error) on non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** Like kubectl() but resolves on failure too. */
  kubectlRaw(args: string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** Start a long-running kubectl (e.g. get -w); the caller kills it. */
  kubectlSpawn(args: string[]): ChildProcess;
  /** A raw HTTPS request as the admin, or with another client certificate, a bearer token, or no credentials (anonymous). */
  request(method: string, path: string, opts?: {
    body?: unknown; contentType?: string; accept?: string; anonymous?: boolean; raw?: string | Buffer;
    cert?: { certPem: string; keyPem: string }; token?: string;
  }): Promise<HttpResult>;
  stop(): Promise<void>;
}

export interface KubectlResult { code: number; stdout: string; stderr: string }
export interface HttpResult { status: number; headers: Record<string, string | string[] | undefined>; body: string; json(): any }

export const KUBECTL = process.env.KUBECTL ?? 'kubectl';

/**
 * Another kubectl release (`1.27` … `1.33`): these machines keep `kubectl.<version>` beside the
 * binary the PATH's kubectl resolves to. Undefined when it is not there.
 */
export async function kubectlOfVersion(version: string): Promise<string | undefined> {
  const onPath = KUBECTL.includes('/') ? KUBECTL : (await runCommand('sh', ['-c', `command -v ${KUBECTL}`], process.env, 10_000)).stdout.trim();
  if (!onPath) return undefined;
  const bin = join(dirname(realpathSync(onPath)), `kubectl.${version}`);
  return existsSync(bin) ? bin : undefined;
}

export async function startTestCluster(opts: {
  bookmarkIntervalSeconds?: number; watchCache?: WatchCacheOptions | false;
  /** Put something between the API server and its store (a test that needs reads to be slow, say). */
  wrapStore?: (store: Store) => Store;
} = {}): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-test-'));
  const pki = await ensureClusterPki(dir, { hostnames: ['localhost'], ips: ['127.0.0.1'] });
  const raw = await openStore('sqlite::memory:', { dataDir: dir });
  const store = opts.wrapStore ? opts.wrapStore(raw) : raw;
  const log = pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' });
  // The API server's identity towards kubelets (pods/log, exec, ...), as `k8ts server` issues it.
  const kubeletClient = await issueClientCert({ ca: pki.ca }, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  const server = await startApiServer({
    store, log, bindAddress: '127.0.0.1', port: 0, authenticator: x509Authenticator(), kubeletClient,
    tls: { keyPem: pki.serving.keyPem, certPem: pki.serving.certPem, caPem: pki.ca.certPem },
    bookmarkIntervalSeconds: opts.bookmarkIntervalSeconds ?? 60,
    ...(opts.watchCache !== undefined ? { watchCache: opts.watchCache } : {}),
  });
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeAdminKubeconfig(kubeconfig, { server: server.url, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  const baseEnv = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'kube-cache'), HOME: dir };

  const kubectlRaw: TestCluster['kubectlRaw'] = (args, o = {}) =>
    runCommand(KUBECTL, args, { ...baseEnv, ...(o.env ?? {}) }, o.timeoutMs ?? 30_000, o.input);

  const kubectl: TestCluster['kubectl'] = async (args, o) => {
    const r = await kubectlRaw(args, o);
    if (r.code !== 0) {
      const e = new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      Object.assign(e, r);
      throw e;
    }
    return r;
  };

  const request: TestCluster['request'] = (method, path, o = {}) => new Promise((resolve, reject) => {
    const u = new URL(path, server.url);
    const payload = o.raw !== undefined ? o.raw : o.body !== undefined ? JSON.stringify(o.body) : undefined;
    const req = httpsRequest({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method,
      ca: pki.ca.certPem,
      ...(o.anonymous || o.token !== undefined ? {} : { cert: (o.cert ?? pki.admin).certPem, key: (o.cert ?? pki.admin).keyPem }),
      headers: {
        ...(o.token !== undefined ? { Authorization: `Bearer ${o.token}` } : {}),
        ...(payload !== undefined ? { 'Content-Type': o.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        ...(o.accept ? { Accept: o.accept } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.end(payload); else req.end();
  });

  return {
    url: server.url, dir, kubeconfig, pki, store, server, kubectl, kubectlRaw, request,
    kubectlSpawn: (args) => spawn(KUBECTL, args, { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] }),
    stop: async () => {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a command to its end: exit code (1 when it was killed or could not start), stdout, stderr. */
export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, input?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end(input);
  });
}

/** Wait until `check` returns a truthy value (polling; for tests only). */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The repository root (works from source and from dist/). */
export function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = join(dir, '..');
  return dir;
}

export const testdataDir = (...parts: string[]): string => join(repoRoot(), 'test', ...parts);
