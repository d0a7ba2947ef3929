// A real etcd for tests: Debian's /usr/bin/etcd, one or three members on free 127.0.0.1 ports,
// data dirs under a temp dir (durable: etcd's default fsync), logs in that dir. Three-member
// clusters can lose and regain members; `tls` serves clients over HTTPS with client-cert auth.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterCa, issueClientCert, issueServingCert } from '../../src/apiserver/auth/pki.js';
import { freePort } from './free-port.js';

const ETCD = process.env['K8TS_TEST_ETCD'] ?? '/usr/bin/etcd';

export interface EtcdClientTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface EtcdCluster {
  /** "127.0.0.1:PORT" of each member, in member order. */
  endpoints: string[];
  /** The same as http:// or https:// URLs. */
  urls: string[];
  /** Client certificate, key and CA (with `tls`). */
  tls?: EtcdClientTls;
  /** Stops every member and removes the data. */
  stop(): Promise<void>;
  /** SIGKILLs member i (its data stays, for restartMember). */
  killMember(i: number): Promise<void>;
  /** Starts member i again on its data and waits until it is healthy. */
  restartMember(i: number): Promise<void>;
  /** Index of the member the running members agree leads. */
  leader(): Promise<number>;
}

export interface StartEtcdOptions {
  members?: 1 | 3;
  tls?: boolean;
}

interface MemberSpec {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  logPath: string;
}

interface ServerTls extends EtcdClientTls { serverCertFile: string; serverKeyFile: string }

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  const n = opts.members ?? 1;
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-etcd-'));
  const procs: (ChildProcess | undefined)[] = new Array<ChildProcess | undefined>(n).fill(undefined);
  const cleanupOnExit = (): void => {
    for (const p of procs) p?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanupOnExit);
  try {
    const tls = opts.tls === true ? await writePki(dir) : undefined;
    const scheme = tls ? 'https' : 'http';
    // A port picked free can be taken before etcd binds it: try again with new ports.
    for (let attempt = 0; ; attempt++) {
      const token = `k8ts-test-${randomBytes(6).toString('hex')}`;
      const specs: MemberSpec[] = [];
      for (let i = 0; i < n; i++) {
        specs.push({
          name: `m${i}-${attempt}`, clientPort: await freePort(), peerPort: await freePort(),
          dataDir: join(dir, `m${i}-${attempt}`), logPath: join(dir, `m${i}-${attempt}.log`),
        });
      }
      const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peerPort}`).join(',');
      const args = (s: MemberSpec): string[] => [
        '--name', s.name, '--data-dir', s.dataDir,
        '--listen-client-urls', `${scheme}://127.0.0.1:${s.clientPort}`,
        '--advertise-client-urls', `${scheme}://127.0.0.1:${s.clientPort}`,
        '--listen-peer-urls', `http://127.0.0.1:${s.peerPort}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${s.peerPort}`,
        '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', token,
        '--logger', 'zap', '--log-outputs', 'stderr',
        ...(tls ? ['--cert-file', tls.serverCertFile, '--key-file', tls.serverKeyFile,
          '--trusted-ca-file', tls.caFile, '--client-cert-auth'] : []),
      ];
      const launch = (i: number): ChildProcess => {
        const s = specs[i] as MemberSpec;
        const fd = openSync(s.logPath, 'a');
        const child = spawn(ETCD, args(s), { stdio: ['ignore', fd, fd] });
        closeSync(fd);
        child.unref();
        procs[i] = child;
        return child;
      };
      const logs = (): string => specs.map((s) => {
        try { return `--- ${s.name}\n${readFileSync(s.logPath, 'utf8').slice(-3000)}`; } catch { return ''; }
      }).join('\n');
      const urls = specs.map((s) => `${scheme}://127.0.0.1:${s.clientPort}`);
      const healthy = (i: number, ms: number): Promise<boolean> =>
        waitHealthy(procs[i], urls[i] as string, tls, ms);

      specs.forEach((_, i) => launch(i));
      const up = await Promise.all(specs.map((_, i) => healthy(i, 30_000)));
      if (!up.every(Boolean)) {
        await Promise.all(procs.map((p) => stopChild(p)));
        if (attempt < 2 && /address already in use/.test(logs())) continue;
        throw new Error(`etcd did not become healthy:\n${logs()}`);
      }
      const cluster: EtcdCluster = {
        endpoints: specs.map((s) => `127.0.0.1:${s.clientPort}`),
        urls,
        ...(tls ? { tls: { caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile } } : {}),
        async stop() {
          await Promise.all(procs.map((p) => stopChild(p)));
          process.off('exit', cleanupOnExit);
          await rm(dir, { recursive: true, force: true });
        },
        async killMember(i) {
          await stopChild(procs[i], 'SIGKILL');
          procs[i] = undefined;
        },
        async restartMember(i) {
          if (procs[i] !== undefined) throw new Error(`member ${i} is running`);
          launch(i);
          if (!await healthy(i, 30_000)) throw new Error(`etcd member ${i} did not come back:\n${logs()}`);
        },
        async leader() {
          for (let tries = 0; tries < 100; tries++) {
            const ids = await Promise.all(urls.map(async (url, i) => {
              if (procs[i] === undefined) return undefined;
              try {
                const st = JSON.parse(await call(url, tls, 'POST', '/v3/maintenance/status', '{}')) as
                  { header?: { member_id?: string }; leader?: string };
                return { member: st.header?.member_id, leader: st.leader };
              } catch { return undefined; }
            }));
            const leaderId = ids.find((s) => s?.leader !== undefined && s.leader !== '0')?.leader;
            const idx = ids.findIndex((s) => s?.member !== undefined && s.member === leaderId);
            if (idx >= 0) return idx;
            await new Promise((r) => setTimeout(r, 100));
          }
          throw new Error('etcd: no leader');
        },
      };
      return cluster;
    }
  } catch (e) {
    await Promise.all(procs.map((p) => stopChild(p)));
    process.off('exit', cleanupOnExit);
    await rm(dir, { recursive: true, force: true });
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${ETCD} not found: apt-get install -y etcd-server`);
    throw e;
  }
}

/** A CA, a serving certificate for 127.0.0.1 and a client certificate, as files under `dir`. */
async function writePki(dir: string): Promise<ServerTls> {
  const ca = await createClusterCa();
  const server = await issueServingCert({ ca }, { commonName: 'etcd', hostnames: ['localhost'], ips: ['127.0.0.1'] });
  const client = await issueClientCert({ ca }, { commonName: 'k8ts-apiserver' });
  const files: ServerTls = {
    caFile: join(dir, 'ca.crt'), certFile: join(dir, 'client.crt'), keyFile: join(dir, 'client.key'),
    serverCertFile: join(dir, 'server.crt'), serverKeyFile: join(dir, 'server.key'),
  };
  await writeFile(files.caFile, ca.certPem);
  await writeFile(files.certFile, client.certPem);
  await writeFile(files.keyFile, client.keyPem, { mode: 0o600 });
  await writeFile(files.serverCertFile, server.certPem);
  await writeFile(files.serverKeyFile, server.keyPem, { mode: 0o600 });
  return files;
}

/** One HTTP(S) request to etcd's client URL (its /health and JSON gateway). */
function call(url: string, tls: EtcdClientTls | undefined, method: string, path: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const options = {
      method, timeout: 2_000,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(tls ? { ca: readFileSync(tls.caFile), cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } : {}),
    };
    const req = (tls ? httpsRequest : httpRequest)(target, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode}: ${text}`));
        else resolve(text);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** etcd's /health is true once the member has a leader and can serve a read. */
async function waitHealthy(child: ChildProcess | undefined, url: string, tls: EtcdClientTls | undefined, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const h = JSON.parse(await call(url, tls, 'GET', '/health')) as { health?: string };
      if (h.health === 'true') return true;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Held by the event loop until it has exited (it is unref'd while running).
  child.ref();
  child.kill(signal);
  // A member that leads a cluster missing a member can spend long on a graceful stop.
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}
