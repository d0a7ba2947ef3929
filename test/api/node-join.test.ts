// How a node joins, against a real API server and the real kubectl: bootstrap-token
// authentication, what a token (and no credentials at all) may do, the CertificateSigningRequest
// API with kubectl (get csr, certificate approve/deny), auto-approval and signing by the
// csrapproving/csrsigning controllers, cluster-info with per-token signatures, expired tokens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestCluster, eventually, type TestCluster, type HttpResult } from '../helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../helpers/controllers.js';
import { R } from '../../src/client/index.js';
import { issueClientCert } from '../../src/apiserver/auth/index.js';
import { renderKubeconfig } from '../../src/machinery/kubeconfig.js';
import { createCertificateRequest } from '../../src/machinery/x509.js';
import {
  bootstrapTokenSecret, caCertHash, formatBootstrapToken, generateBootstrapToken, verifyClusterInfoSignature, DEFAULT_NODE_TOKEN_GROUP,
  type BootstrapToken,
} from '../../src/machinery/bootstrap-token.js';
import { csrApprovingController, csrSigningController } from '../../src/controllers/certificates/index.js';
import { bootstrapSignerController, tokenCleanerController } from '../../src/controllers/bootstrap/index.js';

let c: TestCluster;
let h: ControllerHarness;

before(async () => {
  c = await startTestCluster();
  h = await startControllerHarness(c, [csrApprovingController, csrSigningController, bootstrapSignerController, tokenCleanerController], {
    config: { clusterSigningCertFile: c.pki.ca.certPath, clusterSigningKeyFile: c.pki.ca.keyPath, clusterInfoServer: c.url },
  });
});
after(async () => { await h?.stop(); await c?.stop(); });

/** An HTTPS request with a bearer token, a client certificate, or no credentials at all. */
function call(method: string, path: string, o: { token?: string; cert?: { certPem: string; keyPem: string }; body?: unknown } = {}): Promise<HttpResult> {
  return c.request(method, path, { ...o, anonymous: o.token === undefined && o.cert === undefined });
}

async function createToken(o: { expiresInMs?: number; usages?: Array<'authentication' | 'signing'> } = {}): Promise<BootstrapToken> {
  const token = generateBootstrapToken();
  await h.client.create(R.secrets, 'kube-system', bootstrapTokenSecret(token, {
    ...(o.expiresInMs !== undefined ? { expiresAt: Date.now() + o.expiresInMs } : {}),
    ...(o.usages ? { usages: o.usages } : {}),
    extraGroups: [DEFAULT_NODE_TOKEN_GROUP],
  }));
  return token;
}

/** A kubeconfig file for kubectl with a bearer token. */
async function tokenKubeconfig(token: string): Promise<string> {
  const path = join(c.dir, `token-${Math.random().toString(36).slice(2)}.kubeconfig`);
  await writeFile(path, renderKubeconfig({ server: c.url, caPem: c.pki.ca.certPem, user: { token } }), { mode: 0o600 });
  return path;
}

async function csrBody(name: string, signerName: string, usages: string[], subject: { commonName: string; organizations?: string[]; dnsNames?: string[]; ipAddresses?: string[] }, extra: Record<string, unknown> = {}) {
  const { csrPem, keyPem } = await createCertificateRequest(subject);
  return {
    keyPem,
    body: {
      apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
      spec: { request: Buffer.from(csrPem).toString('base64'), signerName, usages, ...extra },
    },
  };
}

const getCsr = async (name: string) => (await call('GET', `/apis/certificates.k8s.io/v1/certificatesigningrequests/${name}`, { cert: c.pki.admin })).json();

describe('bootstrap tokens', () => {
  test('a valid token authenticates as system:bootstrap:<id> with the bootstrappers groups; CSRs record who asked', async () => {
    const token = await createToken({ expiresInMs: 3_600_000 });
    const { body } = await csrBody('token-identity', 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'],
      { commonName: 'system:node:someone', organizations: ['system:nodes'] });
    // A client-supplied username is overwritten by the server.
    (body.spec as Record<string, unknown>)['username'] = 'admin';
    const created = await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { token: formatBootstrapToken(token), body });
    assert.equal(created.status, 201, created.body);
    const spec = created.json().spec;
    assert.equal(spec.username, `system:bootstrap:${token.id}`);
    assert.deepEqual(spec.groups, ['system:bootstrappers', DEFAULT_NODE_TOKEN_GROUP, 'system:authenticated']);
  });

  test('wrong secret, unknown id, expired, or not for authentication → 401', async () => {
    const good = await createToken();
    const expired = await createToken({ expiresInMs: -1000 });
    const signingOnly = await createToken({ usages: ['signing'] });
    for (const t of [`${good.id}.${'x'.repeat(16)}`, 'zzzzzz.0123456789abcdef', formatBootstrapToken(expired), formatBootstrapToken(signingOnly)]) {
      const r = await call('GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { token: t });
      assert.equal(r.status, 401, t);
      assert.equal(r.json().reason, 'Unauthorized');
    }
    // A token of another shape is not ours to judge; with nothing else to go on it is still a 401.
    assert.equal((await call('GET', '/api/v1/namespaces', { token: 'not-a-bootstrap-token' })).status, 401);
    assert.equal((await call('GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { token: formatBootstrapToken(good) })).status, 200);
  });

  test('a token may create and read CSRs and discovery, nothing else (kubectl)', async () => {
    const token = await createToken();
    const kc = await tokenKubeconfig(formatBootstrapToken(token));
    const ok = await c.kubectl(['--kubeconfig', kc, 'get', 'csr']);
    assert.equal(ok.code, 0);
    const pods = await c.kubectlRaw(['--kubeconfig', kc, 'get', 'pods', '-n', 'kube-system']);
    assert.notEqual(pods.code, 0);
    assert.match(pods.stderr, new RegExp(`pods is forbidden: User "system:bootstrap:${token.id}" cannot list resource "pods" in API group "" in the namespace "kube-system"`));
    const secrets = await c.kubectlRaw(['--kubeconfig', kc, 'get', 'secret', `bootstrap-token-${token.id}`, '-n', 'kube-system']);
    assert.match(secrets.stderr, /is forbidden/);
    const approve = await call('PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/token-identity/approval', { token: formatBootstrapToken(token), body: {} });
    assert.equal(approve.status, 403);
    assert.match(approve.json().message, /cannot update resource "certificatesigningrequests\/approval" in API group "certificates.k8s.io" at the cluster scope/);
  });

  test('tokencleaner deletes a token once it expires', async () => {
    const token = await createToken({ expiresInMs: 1500 });
    await eventually(async () => {
      const r = await call('GET', `/api/v1/namespaces/kube-system/secrets/bootstrap-token-${token.id}`, { cert: c.pki.admin });
      return r.status === 404;
    }, 10_000, 'expired token deleted');
  });
});

describe('cluster-info', () => {
  test('readable without credentials, with the CA and one signature per token; nothing else is', async () => {
    const token = await createToken({ expiresInMs: 3_600_000 });
    const info = await eventually(async () => {
      const r = await call('GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info');
      return r.status === 200 && r.json().data[`jws-kubeconfig-${token.id}`] ? r.json() : undefined;
    }, 10_000, 'signed cluster-info');
    const kubeconfig: string = info.data.kubeconfig;
    assert.match(kubeconfig, new RegExp(`server: ${c.url.replace(/[.]/g, '\\.')}`));
    const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '', 'base64').toString('utf8');
    assert.equal(caCertHash(ca), caCertHash(c.pki.ca.certPem));
    assert.equal(caCertHash(ca), c.pki.ca.fingerprint256.replace(/:/g, '').toLowerCase());
    assert.ok(verifyClusterInfoSignature(kubeconfig, info.data[`jws-kubeconfig-${token.id}`], token));
    assert.ok(!verifyClusterInfoSignature(kubeconfig, info.data[`jws-kubeconfig-${token.id}`], { id: token.id, secret: 'x'.repeat(16) }));

    for (const [method, path] of [
      ['GET', '/api/v1/namespaces/kube-public/configmaps'],
      ['GET', '/api/v1/namespaces/kube-public/configmaps?watch=1'],
      ['GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info?watch=1'],
      ['GET', '/api/v1/namespaces/kube-system/configmaps/cluster-info'],
      ['GET', '/api/v1/namespaces/kube-public/secrets/cluster-info'],
      ['PUT', '/api/v1/namespaces/kube-public/configmaps/cluster-info'],
      ['DELETE', '/api/v1/namespaces/kube-public/configmaps/cluster-info'],
      ['GET', '/api'],
      ['GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests'],
    ] as const) {
      assert.equal((await call(method, path)).status, 401, `${method} ${path}`);
    }
    // An invalid credential is not "no credentials": cluster-info is not served to it.
    assert.equal((await call('GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info', { token: 'abcdef.0123456789abcdef' })).status, 401);

    await h.client.delete(R.secrets, 'kube-system', `bootstrap-token-${token.id}`);
    await eventually(async () => {
      const r = await call('GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info');
      return r.status === 200 && r.json().data[`jws-kubeconfig-${token.id}`] === undefined;
    }, 10_000, 'signature of a deleted token removed');
  });
});

describe('CertificateSigningRequests', () => {
  test('kubectl create / get csr / certificate approve: a user client certificate is issued and works', async () => {
    const { body, keyPem } = await csrBody('alice', 'kubernetes.io/kube-apiserver-client', ['client auth'], { commonName: 'alice', organizations: ['devs'] },
      { expirationSeconds: 3600 });
    await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(body) });
    const pending = (await c.kubectl(['get', 'csr', 'alice'])).stdout;
    assert.match(pending, /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\n/);
    assert.match(pending, /\nalice\s+\S+\s+kubernetes.io\/kube-apiserver-client\s+admin\s+60m\s+Pending\n/);
    assert.match((await c.kubectl(['certificate', 'approve', 'alice'])).stdout, /certificatesigningrequest.certificates.k8s.io\/alice approved/);
    await eventually(async () => /Approved,Issued/.test((await c.kubectl(['get', 'csr', 'alice'])).stdout), 10_000, 'issued');
    const csr = await getCsr('alice');
    const approved = csr.status.conditions.find((x: { type: string }) => x.type === 'Approved');
    assert.equal(approved.reason, 'KubectlApprove');
    assert.ok(approved.lastUpdateTime && approved.lastTransitionTime, 'timestamps filled');
    const certPem = Buffer.from(csr.status.certificate, 'base64').toString('utf8');
    const cert = new X509Certificate(certPem);
    assert.equal(cert.subject, 'CN=alice\nO=devs');
    assert.ok(cert.verify(new X509Certificate(c.pki.ca.certPem).publicKey));
    const lifetime = Date.parse(cert.validTo) - Date.parse(cert.validFrom);
    assert.ok(Math.abs(lifetime - (3600 + 300) * 1000) < 2000, `validity ${lifetime} ms: requested hour plus the 5 min backdate`);
    // The certificate authenticates alice.
    const who = await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: { certPem, keyPem },
      body: (await csrBody('alice-2', 'example.com/custom', ['digital signature'], { commonName: 'x' })).body });
    assert.equal(who.status, 201);
    assert.equal(who.json().spec.username, 'alice');
    assert.deepEqual(who.json().spec.groups, ['devs', 'system:authenticated']);
  });

  test('kubectl certificate deny; a denied request is not signed; approval and denial are exclusive', async () => {
    const { body } = await csrBody('mallory', 'kubernetes.io/kube-apiserver-client', ['client auth'], { commonName: 'mallory' });
    await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(body) });
    assert.match((await c.kubectl(['certificate', 'deny', 'mallory'])).stdout, /mallory denied/);
    await new Promise((r) => setTimeout(r, 500));
    assert.match((await c.kubectl(['get', 'csr', 'mallory'])).stdout, /\s+Denied\n/);
    assert.equal((await getCsr('mallory')).status.certificate, undefined);
    const plain = await c.kubectlRaw(['certificate', 'approve', 'mallory']);
    assert.match(plain.stderr, /certificate signing request "mallory" is already Denied/);
    // kubectl refuses on its own; the server does too.
    const cur = await getCsr('mallory');
    const both = await call('PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/mallory/approval', { cert: c.pki.admin, body: {
      ...cur, status: { conditions: [...cur.status.conditions, { type: 'Approved', status: 'True', reason: 'Forced' }] },
    } });
    assert.equal(both.status, 422);
    assert.match(both.json().message, /status.conditions\[1\].type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive/);
  });

  test('validation as kube: request, usages, signerName, expirationSeconds', async () => {
    const post = (b: unknown) => call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: c.pki.admin, body: b });
    const { body } = await csrBody('v', 'example.com/x', ['client auth'], { commonName: 'v' });
    const spec = body.spec as Record<string, unknown>;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...spec, expirationSeconds: 599 }, /spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds \(10 minutes\)/],
      [{ ...spec, usages: [] }, /spec.usages: Required value: usages must be provided/],
      [{ ...spec, usages: ['client auth', 'flying'] }, /spec.usages\[1\]: Unsupported value: "flying"/],
      [{ ...spec, usages: ['client auth', 'client auth'] }, /spec.usages\[1\]: Duplicate value: "client auth"/],
      [{ ...spec, signerName: '' }, /spec.signerName: Required value: signerName must be provided/],
      [{ ...spec, signerName: 'nodomain' }, /must be a fully qualified domain and path of the form 'example.com\/signer-name'/],
      [{ ...spec, signerName: 'kubernetes.io/legacy-unknown' }, /the legacy signerName is not allowed via this API version/],
      [{ ...spec, request: Buffer.from('not a pem').toString('base64') }, /spec.request: Invalid value: .*PEM block type must be CERTIFICATE REQUEST/],
    ];
    for (const [s, msg] of cases) {
      const r = await post({ ...body, metadata: { name: `bad-${Math.random().toString(36).slice(2, 7)}` }, spec: s });
      assert.equal(r.status, 422, r.body);
      assert.match(r.json().message, msg);
    }
    // A request whose signature does not match its key is refused (proof of possession).
    const pem = Buffer.from(spec['request'] as string, 'base64').toString('utf8');
    const lines = pem.split('\n');
    const sigLine = lines.length - 4;
    lines[sigLine] = (lines[sigLine] ?? '').replace(/^(.{10})(.)/, (_m, a: string, ch: string) => a + (ch === 'A' ? 'B' : 'A'));
    const r = await post({ ...body, metadata: { name: 'bad-sig' }, spec: { ...spec, request: Buffer.from(lines.join('\n')).toString('base64') } });
    assert.equal(r.status, 422);
    assert.match(r.json().message, /spec.request: Invalid value/);
  });

  test('the object path keeps spec and status; /status cannot approve; /approval cannot set a certificate', async () => {
    const { body } = await csrBody('paths', 'example.com/x', ['client auth'], { commonName: 'p' });
    const created = (await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: c.pki.admin, body })).json();
    const base = '/apis/certificates.k8s.io/v1/certificatesigningrequests/paths';
    const put = await call('PUT', base, { cert: c.pki.admin, body: {
      ...created, metadata: { ...created.metadata, labels: { a: 'b' } }, spec: { ...created.spec, signerName: 'example.com/other' },
      status: { conditions: [{ type: 'Approved', status: 'True' }] },
    } });
    assert.equal(put.status, 200, put.body);
    assert.deepEqual([put.json().metadata.labels, put.json().spec.signerName, put.json().status.conditions], [{ a: 'b' }, 'example.com/x', undefined]);

    const cur = await getCsr('paths');
    const viaStatus = await call('PUT', `${base}/status`, { cert: c.pki.admin, body: { ...cur, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Sneaky' }] } } });
    assert.equal(viaStatus.status, 200, viaStatus.body);
    assert.equal(viaStatus.json().status.conditions, undefined, 'Approved through /status is dropped (kept as stored)');

    const approved = await call('PUT', `${base}/approval`, { cert: c.pki.admin, body: {
      ...await getCsr('paths'), status: { conditions: [{ type: 'Approved', status: 'True', reason: 'Test' }], certificate: Buffer.from(c.pki.admin.certPem).toString('base64') },
    } });
    assert.equal(approved.status, 200, approved.body);
    assert.equal(approved.json().status.certificate, undefined, '/approval cannot set a certificate');
    const cur2 = await getCsr('paths');
    const removal = await call('PUT', `${base}/approval`, { cert: c.pki.admin, body: { ...cur2, status: { conditions: [] } } });
    assert.equal(removal.status, 422);
    assert.match(removal.json().message, /updates may not remove a condition of type "Approved"/);
    // A custom signer's certificate is written through /status, once.
    const cert = Buffer.from(c.pki.admin.certPem).toString('base64');
    const issued = await call('PUT', `${base}/status`, { cert: c.pki.admin, body: { ...cur2, status: { ...cur2.status, certificate: cert } } });
    assert.equal(issued.status, 200, issued.body);
    const again = await call('PUT', `${base}/status`, { cert: c.pki.admin, body: { ...issued.json(), status: { ...issued.json().status, certificate: Buffer.from(c.pki.serving.certPem).toString('base64') } } });
    assert.equal(again.status, 422);
    assert.match(again.json().message, /updates may not modify existing certificate content/);
  });

  test('kubelet client CSRs from a bootstrap token are approved and signed; the certificate is system:node:<name>', async () => {
    const token = await createToken();
    const { body, keyPem } = await csrBody('node-csr-w1', 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'],
      { commonName: 'system:node:w1', organizations: ['system:nodes'] });
    assert.equal((await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { token: formatBootstrapToken(token), body })).status, 201);
    const csr = await eventually(async () => { const x = await getCsr('node-csr-w1'); return x.status.certificate ? x : undefined; }, 10_000, 'issued');
    const approved = csr.status.conditions.find((x: { type: string }) => x.type === 'Approved');
    assert.equal(approved.reason, 'AutoApproved');
    const certPem = Buffer.from(csr.status.certificate, 'base64').toString('utf8');
    assert.equal(new X509Certificate(certPem).subject, 'CN=system:node:w1\nO=system:nodes');
    const row = (await c.kubectl(['get', 'csr', 'node-csr-w1'])).stdout;
    assert.match(row, new RegExp(`node-csr-w1\\s+\\S+\\s+kubernetes.io/kube-apiserver-client-kubelet\\s+system:bootstrap:${token.id}\\s+<none>\\s+Approved,Issued`));

    // As the node: its serving certificate for its own name is approved; for another name it waits.
    const asNode = { certPem, keyPem };
    const serving = await csrBody('serving-w1', 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth'],
      { commonName: 'system:node:w1', organizations: ['system:nodes'], dnsNames: ['w1'], ipAddresses: ['10.1.2.3'] });
    assert.equal((await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: asNode, body: serving.body })).status, 201);
    const foreign = await csrBody('serving-w1-foreign', 'kubernetes.io/kubelet-serving', ['digital signature', 'server auth'],
      { commonName: 'system:node:w1', organizations: ['system:nodes'], dnsNames: ['kubernetes.default'] });
    assert.equal((await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: asNode, body: foreign.body })).status, 201);
    const issued = await eventually(async () => { const x = await getCsr('serving-w1'); return x.status.certificate ? x : undefined; }, 10_000, 'serving issued');
    const sc = new X509Certificate(Buffer.from(issued.status.certificate, 'base64'));
    assert.ok(sc.checkHost('w1') && sc.checkIP('10.1.2.3'));
    assert.ok(sc.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), 'server auth');
    // Renewal: the node asks for a new client certificate with its own (selfnodeclient).
    const renew = await csrBody('node-csr-w1-renew', 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'],
      { commonName: 'system:node:w1', organizations: ['system:nodes'] });
    assert.equal((await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: asNode, body: renew.body })).status, 201);
    await eventually(async () => (await getCsr('node-csr-w1-renew')).status.certificate, 10_000, 'renewal issued');
    await new Promise((r) => setTimeout(r, 300));
    assert.match((await c.kubectl(['get', 'csr', 'serving-w1-foreign'])).stdout, /\s+Pending\n/, 'a foreign DNS name waits for a person');
  });

  test('what the approver leaves pending: another node\'s client certificate, a kubelet CSR from an ordinary user', async () => {
    const alice = await issueClientCert(c.pki, { commonName: 'alice' });
    const w2 = await issueClientCert(c.pki, { commonName: 'system:node:w2', organizations: ['system:nodes'] });
    const forW3 = await csrBody('w2-asks-for-w3', 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'],
      { commonName: 'system:node:w3', organizations: ['system:nodes'] });
    assert.equal((await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: w2, body: forW3.body })).status, 201);
    const byAlice = await csrBody('alice-asks-for-w4', 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'],
      { commonName: 'system:node:w4', organizations: ['system:nodes'] });
    assert.equal((await call('POST', '/apis/certificates.k8s.io/v1/certificatesigningrequests', { cert: alice, body: byAlice.body })).status, 201);
    await new Promise((r) => setTimeout(r, 500));
    for (const n of ['w2-asks-for-w3', 'alice-asks-for-w4']) assert.deepEqual((await getCsr(n)).status, {}, n);
  });

  test('an approved request the signer must not sign gets Failed (SignerValidationFailure)', async () => {
    const { body } = await csrBody('node-with-sans', 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'],
      { commonName: 'system:node:w5', organizations: ['system:nodes'], dnsNames: ['evil.example'] });
    await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(body) });
    await c.kubectl(['certificate', 'approve', 'node-with-sans']);
    await eventually(async () => /Approved,Failed/.test((await c.kubectl(['get', 'csr', 'node-with-sans'])).stdout), 10_000, 'failed');
    const failed = (await getCsr('node-with-sans')).status.conditions.find((x: { type: string }) => x.type === 'Failed');
    assert.equal(failed.reason, 'SignerValidationFailure');
    assert.match(failed.message, /subject alternative names are not allowed/);
  });

  test('kubectl get csr -o wide, field selector on spec.signerName, delete', async () => {
    const bySigner = (await c.kubectl(['get', 'csr', '--field-selector', 'spec.signerName=kubernetes.io/kube-apiserver-client', '-o', 'name'])).stdout;
    assert.match(bySigner, /certificatesigningrequest.certificates.k8s.io\/alice\n/);
    assert.doesNotMatch(bySigner, /node-csr-w1/);
    assert.match((await c.kubectl(['delete', 'csr', 'alice'])).stdout, /certificatesigningrequest.certificates.k8s.io "alice" deleted/);
  });
});
