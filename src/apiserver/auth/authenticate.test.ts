import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { StatusError } from '../../machinery/errors.js';
import { unionAuthenticator, userFromTlsSocket, x509Authenticator } from './authenticate.js';
import type { UserInfo } from './authenticate.js';
import { writeAdminKubeconfig } from './kubeconfig.js';
import { ensureClusterPki, issueClientCert } from './pki.js';
import type { CertKeyPem, ClusterPki } from './pki.js';

const DAY = 86_400_000;
const VERSION = {
  major: '1', minor: '32', gitVersion: 'v1.32.0-k8ts', gitCommit: '', gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z', goVersion: 'n/a', compiler: 'n/a', platform: 'linux/amd64',
};

interface Reply { status: number; body: unknown }

/**
 * A stand-in for the API server's front door: authenticates every request with the x509
 * authenticator (401 Status otherwise), then answers /whoami with the user and /version with
 * a version.Info. `?now=ms` shifts the clock the socket check uses.
 */
function startServer(pki: ClusterPki): Promise<{ server: Server; port: number }> {
  const authn = unionAuthenticator([x509Authenticator()]);
  const server = createServer({
    cert: pki.serving.certPem, key: pki.serving.keyPem, ca: [pki.ca.certPem],
    requestCert: true, rejectUnauthorized: false,
  }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const nowParam = url.searchParams.get('now');
    const socketUser = req.socket instanceof TLSSocket
      ? userFromTlsSocket(req.socket, nowParam === null ? Date.now() : Number(nowParam))
      : undefined;
    authn.authenticate(req).then(user => {
      if (user === undefined || (nowParam !== null && socketUser === undefined)) {
        reply(401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
      } else if (url.pathname === '/version') {
        reply(200, VERSION);
      } else {
        reply(200, { user, socketUser });
      }
    }, (e: unknown) => {
      const message = e instanceof StatusError && e.code === 401 ? e.message : `unexpected: ${String(e)}`;
      reply(401, { kind: 'Status', code: 401, reason: 'Unauthorized', message, socketUser });
    });
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    resolve({ server, port: (server.address() as AddressInfo).port });
  }));
}

function get(port: number, path: string, ca: string, client?: CertKeyPem): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path, method: 'GET', ca, agent: false,
      ...(client ? { cert: client.certPem, key: client.keyPem } : {}),
    }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

describe('client certificate authentication over a real TLS server', () => {
  let dir = '';
  let pki: ClusterPki;
  let foreign: ClusterPki;
  let server: Server;
  let port = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-authn-'));
    pki = await ensureClusterPki(join(dir, 'cluster'), { hostnames: [], ips: [] });
    foreign = await ensureClusterPki(join(dir, 'other'), { hostnames: [], ips: [] });
    ({ server, port } = await startServer(pki));
  });

  after(async () => {
    await new Promise<void>(resolve => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  test('the admin certificate authenticates as admin in system:masters', async () => {
    const r = await get(port, '/whoami', pki.ca.certPem, pki.admin);
    assert.equal(r.status, 200);
    const expected: UserInfo = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
    assert.deepEqual(field(r.body, 'user'), expected);
    assert.deepEqual(field(r.body, 'socketUser'), expected);
  });

  test('a client certificate with several O values yields those groups, in order', async () => {
    const node = await issueClientCert(pki, { commonName: 'system:node:w1', organizations: ['system:nodes', 'b', 'a'] });
    const r = await get(port, '/whoami', pki.ca.certPem, node);
    assert.deepEqual(field(r.body, 'user'), {
      name: 'system:node:w1', groups: ['system:nodes', 'b', 'a', 'system:authenticated'],
    });
  });

  test('no client certificate: no user (401)', async () => {
    const r = await get(port, '/whoami', pki.ca.certPem);
    assert.equal(r.status, 401);
    assert.equal(field(r.body, 'message'), 'Unauthorized');
  });

  test('a client certificate from another CA: no user, and the authenticator rejects it', async () => {
    const r = await get(port, '/whoami', pki.ca.certPem, foreign.admin);
    assert.equal(r.status, 401);
    assert.equal(field(r.body, 'socketUser'), undefined);
    assert.match(String(field(r.body, 'message')), /^verifying client certificate failed/);
  });

  test('a certificate from the cluster CA without clientAuth (the serving cert) is not a client credential', async () => {
    const r = await get(port, '/whoami', pki.ca.certPem, pki.serving);
    assert.equal(r.status, 401);
    assert.equal(field(r.body, 'socketUser'), undefined);
  });

  test('an expired client certificate is refused', async () => {
    const old = await issueClientCert(pki, { commonName: 'old', days: 1, now: new Date(Date.now() - 3 * DAY) });
    const r = await get(port, '/whoami', pki.ca.certPem, old);
    assert.equal(r.status, 401);
    assert.equal(field(r.body, 'socketUser'), undefined);
  });

  test('a certificate that expires while its connection is open stops authenticating', async () => {
    const valid = await get(port, `/whoami?now=${Date.now()}`, pki.ca.certPem, pki.admin);
    assert.equal(valid.status, 200);
    const twoYears = await get(port, `/whoami?now=${Date.now() + 2 * 365 * DAY}`, pki.ca.certPem, pki.admin);
    assert.equal(twoYears.status, 401);
  });

  test('the real kubectl reaches the server with the written admin kubeconfig', { timeout: 60_000 }, async () => {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    await writeAdminKubeconfig(kubeconfig, {
      server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem,
    });
    const run = promisify(execFile);
    // By IP (IP SAN) and by name (DNS SAN `localhost`); /version answers only an authenticated user.
    for (const server of [`https://127.0.0.1:${port}`, `https://localhost:${port}`]) {
      const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--server', server, 'version', '-o', 'json'],
        { timeout: 30_000, env: { ...process.env, KUBECONFIG: '' } });
      const out: unknown = JSON.parse(stdout);
      const sv = field(out, 'serverVersion');
      assert.equal(field(sv, 'gitVersion'), 'v1.32.0-k8ts', server);
      assert.equal(field(sv, 'minor'), '32');
    }
  });

  test('kubectl with a foreign client certificate is told Unauthorized', { timeout: 60_000 }, async () => {
    const kubeconfig = join(dir, 'foreign.yaml');
    await writeAdminKubeconfig(kubeconfig, {
      server: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, certPem: foreign.admin.certPem, keyPem: foreign.admin.keyPem,
    });
    await assert.rejects(
      promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'version', '-o', 'json'], { timeout: 30_000 }),
      (e: unknown) => /Unauthorized|must be logged in/i.test(String(field(e, 'stderr'))),
    );
  });
});
