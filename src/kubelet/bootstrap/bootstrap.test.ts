// A node joining an in-process API server whose controller manager runs csrapproving, csrsigning
// and bootstrapsigner: with a join token (K10 hash form and bare), with an admin kubeconfig, the
// files reused on a second start, and a join token pinning another CA refused before any request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startTestCluster, type TestCluster } from '../../../test/helpers/cluster.js';
import { startControllerHarness, type ControllerHarness } from '../../../test/helpers/controllers.js';
import { R } from '../../client/index.js';
import {
  bootstrapTokenSecret, caCertHash, formatBootstrapToken, formatJoinToken, generateBootstrapToken, DEFAULT_NODE_TOKEN_GROUP,
} from '../../machinery/bootstrap-token.js';
import { csrApprovingController, csrSigningController } from '../../controllers/certificates/index.js';
import { bootstrapSignerController } from '../../controllers/bootstrap/index.js';
import { bootstrapNodeCredentials, trustedCa, UntrustedClusterError } from './index.js';

let c: TestCluster;
let h: ControllerHarness;
let work: string;

before(async () => {
  c = await startTestCluster();
  h = await startControllerHarness(c, [csrApprovingController, csrSigningController, bootstrapSignerController], {
    config: { clusterSigningCertFile: c.pki.ca.certPath, clusterSigningKeyFile: c.pki.ca.keyPath, clusterInfoServer: c.url },
  });
  work = await mkdtemp(join(tmpdir(), 'k8ts-bootstrap-'));
});
after(async () => {
  await h?.stop();
  await c?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function newToken() {
  const token = generateBootstrapToken();
  await h.client.create(R.secrets, 'kube-system', bootstrapTokenSecret(token, { expiresAt: Date.now() + 3_600_000, extraGroups: [DEFAULT_NODE_TOKEN_GROUP] }));
  return token;
}

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('bootstrapNodeCredentials', () => {
  test('with a join token: a kubelet.kubeconfig that kubectl uses as system:node:<name>, a serving certificate, 0600 keys', async () => {
    const token = await newToken();
    const dir = join(work, 'worker-1');
    const creds = await bootstrapNodeCredentials({
      server: c.url, token: formatJoinToken(token, caCertHash(c.pki.ca.certPem)), nodeName: 'worker-1', nodeIPs: ['127.0.0.1', '10.9.8.7'], dir, timeoutMs: 20_000,
    });
    assert.deepEqual(creds.issued, { client: true, serving: true });
    assert.deepEqual((await readdir(dir)).sort(), ['ca.crt', 'kubelet-serving.crt', 'kubelet-serving.key', 'kubelet.kubeconfig']);
    assert.equal(await mode(creds.kubeconfigPath), 0o600);
    assert.equal(await mode(creds.servingKeyPath), 0o600);
    assert.equal(await readFile(creds.caPath, 'utf8'), c.pki.ca.certPem);

    // The real kubectl with the node's kubeconfig.
    const nodes = await c.kubectlRaw(['--kubeconfig', creds.kubeconfigPath, 'get', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout + nodes.stderr, /No resources found|NAME/);
    // Who the server takes it for: a CSR made with it records the requester.
    const mine = await c.kubectl(['--kubeconfig', creds.kubeconfigPath, 'create', '-f', '-', '-o', 'jsonpath={.spec.username} {.spec.groups}'], {
      input: JSON.stringify({
        apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'whoami-worker-1' },
        spec: { request: (await h.client.get<{ spec: { request: string } }>(R.certificatesigningrequests, '', (await csrNames('csr-'))[0] ?? '')).spec.request, signerName: 'example.com/whoami', usages: ['client auth'] },
      }),
    });
    assert.equal(mine.stdout, 'system:node:worker-1 ["system:nodes","system:authenticated"]');
    const client = new X509Certificate(creds.client.certPem);
    assert.equal(client.subject, 'CN=system:node:worker-1\nO=system:nodes');

    // The CSRs: the client one asked with the token, the serving one as the node.
    const rows = (await c.kubectl(['get', 'csr'])).stdout;
    assert.match(rows, new RegExp(`node-csr-\\w+\\s+\\S+\\s+kubernetes.io/kube-apiserver-client-kubelet\\s+system:bootstrap:${token.id}\\s+<none>\\s+Approved,Issued`));
    assert.match(rows, /csr-\w+\s+\S+\s+kubernetes.io\/kubelet-serving\s+system:node:worker-1\s+<none>\s+Approved,Issued/);

    // The serving certificate: for the node's name and IPs, chained to the cluster CA, usable by a TLS server.
    const serving = new X509Certificate(creds.serving.certPem);
    assert.ok(serving.checkHost('worker-1') && serving.checkIP('10.9.8.7') && serving.checkIP('127.0.0.1'));
    assert.ok(serving.verify(new X509Certificate(c.pki.ca.certPem).publicKey));
    const srv = createServer({ cert: await readFile(creds.servingCertPath), key: await readFile(creds.servingKeyPath) }, (_q, s) => s.end('ok'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const sock = connect({ host: '127.0.0.1', port: (srv.address() as AddressInfo).port, ca: c.pki.ca.certPem, servername: 'worker-1' }, () => {
          resolve(sock.authorized); sock.end();
        });
        sock.on('error', reject);
      });
      assert.ok(authorized, 'a client trusting the cluster CA accepts the kubelet serving certificate for worker-1');
    } finally {
      srv.close();
    }

    // A second start reuses everything, without the token and without new CSRs.
    const before = (await csrNames('')).length;
    const again = await bootstrapNodeCredentials({ server: c.url, nodeName: 'worker-1', nodeIPs: ['127.0.0.1', '10.9.8.7'], dir, timeoutMs: 5_000 });
    assert.deepEqual(again.issued, { client: false, serving: false });
    assert.equal(again.client.certPem, creds.client.certPem);
    assert.equal((await csrNames('')).length, before);
    // A new IP: only the serving certificate is reissued, requested with the node's own credentials.
    const moved = await bootstrapNodeCredentials({ server: c.url, nodeName: 'worker-1', nodeIPs: ['127.0.0.1', '10.9.8.8'], dir, timeoutMs: 20_000 });
    assert.deepEqual(moved.issued, { client: false, serving: true });
    assert.ok(new X509Certificate(moved.serving.certPem).checkIP('10.9.8.8'));
  });

  test('a join token pinning another CA is refused before any credential is sent', async () => {
    const token = await newToken();
    const dir = join(work, 'worker-bad');
    const wrongHash = caCertHash(c.pki.ca.certPem).replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
    const csrsBefore = (await csrNames('')).length;
    await assert.rejects(
      bootstrapNodeCredentials({ server: c.url, token: formatJoinToken(token, wrongHash), nodeName: 'worker-bad', nodeIPs: ['127.0.0.1'], dir, timeoutMs: 20_000 }),
      (e: unknown) => e instanceof UntrustedClusterError && /is not the one in the join token/.test(e.message),
    );
    assert.equal((await csrNames('')).length, csrsBefore, 'no CSR was created');
    assert.deepEqual(await readdir(dir), [], 'nothing written');
  });

  test('a bare <id>.<secret> token trusts the CA through the signature; an unknown token gets no signature', async () => {
    const token = await newToken();
    const creds = await bootstrapNodeCredentials({
      server: c.url, token: formatBootstrapToken(token), nodeName: 'worker-2', nodeIPs: ['127.0.0.1'], dir: join(work, 'worker-2'), timeoutMs: 20_000,
    });
    assert.equal(creds.caPem, c.pki.ca.certPem);
    await assert.rejects(
      bootstrapNodeCredentials({ server: c.url, token: 'abcdef.0123456789abcdef', nodeName: 'worker-x', nodeIPs: ['127.0.0.1'], dir: join(work, 'worker-x'), timeoutMs: 1_500 }),
      /cluster-info has no signature for token "abcdef"/,
    );
  });

  test('with an admin kubeconfig instead of a token', async () => {
    const creds = await bootstrapNodeCredentials({ kubeconfig: c.kubeconfig, nodeName: 'worker-3', nodeIPs: ['10.0.0.3'], dir: join(work, 'worker-3'), timeoutMs: 20_000 });
    assert.equal(creds.server, c.url);
    assert.equal(new X509Certificate(creds.client.certPem).subject, 'CN=system:node:worker-3\nO=system:nodes');
    const r = await c.kubectlRaw(['--kubeconfig', creds.kubeconfigPath, 'get', 'ns', 'default', '-o', 'name']);
    assert.equal(r.stdout, 'namespace/default\n', r.stderr);
  });

  test('a forged signature or a swapped CA in cluster-info is refused', () => {
    const token = generateBootstrapToken();
    const kubeconfig = `apiVersion: v1\nkind: Config\nclusters:\n- name: ""\n  cluster:\n    certificate-authority-data: ${Buffer.from(c.pki.ca.certPem).toString('base64')}\n    server: ${c.url}\n`;
    assert.equal(trustedCa({ kubeconfig }, { token }), undefined, 'no signature yet: wait');
    assert.throws(() => trustedCa({ kubeconfig, [`jws-kubeconfig-${token.id}`]: 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiYyJ9..AAAA' }, { token }), UntrustedClusterError);
    assert.throws(() => trustedCa({ kubeconfig }, { token, caHash: '0'.repeat(64) }), /is not the one in the join token/);
  });
});

async function csrNames(prefix: string): Promise<string[]> {
  const list = await h.client.list(R.certificatesigningrequests, '');
  return list.items.map((x) => x.metadata?.name ?? '').filter((n) => n.startsWith(prefix)).sort();
}
