// A node's credentials (kubelet TLS bootstrap, in kubeadm/k3s terms), as one recipe:
//   1. trust: the cluster CA, from a join token (cluster-info checked against the token), from a
//      kubeconfig given instead (its CA is trusted as is), or from the node's own kubeconfig;
//   2. identity: a client certificate for system:node:<name> (group system:nodes), requested with
//      the token or the given kubeconfig, or renewed with the node's own certificate;
//   3. serving: a kubelet-serving certificate for the node's name and IPs, requested as the node;
//   4. files, written atomically (keys 0600): kubelet.kubeconfig, kubelet-serving.crt/.key, ca.crt.
// Files that are still good are reused: a restarted agent joins without a token.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createClient, parseKubeconfig, type ApiClient, type ClientConfig } from '../../client/index.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { caCertHash, parseJoinToken, formatBootstrapToken, type JoinToken } from '../../machinery/bootstrap-token.js';
import { renderKubeconfig } from '../../machinery/kubeconfig.js';
import { KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER } from '../../api/strategies/index.js';
import { writeFileAtomic } from '../../machinery/write-file-atomic.js';
import { discoverClusterCa } from './cluster-info.js';
import { requestCertificate } from './request-certificate.js';

const NODES_GROUP = 'system:nodes';
/** Reissue a certificate once this share of its lifetime has passed (kubelet rotates at 70–90%). */
const RENEW_AT_LIFETIME = 0.8;

export const CREDENTIAL_FILES = {
  kubeconfig: 'kubelet.kubeconfig',
  servingCert: 'kubelet-serving.crt',
  servingKey: 'kubelet-serving.key',
  ca: 'ca.crt',
} as const;

export interface BootstrapOptions {
  /** The API server, e.g. `https://10.0.0.1:6443`. With `kubeconfig` it defaults to the kubeconfig's server. */
  server?: string;
  /** A join token: `K10<ca-hash>::<id>.<secret>` (what `k8ts token create` prints) or a bare `<id>.<secret>`. */
  token?: string;
  /** Instead of a token: a kubeconfig with credentials allowed to create CSRs (an admin's). */
  kubeconfig?: string;
  nodeName: string;
  /** IPs the kubelet serves on; they and the node name become the serving certificate's SANs. */
  nodeIPs: readonly string[];
  /** Where the files go (created 0700 if missing). */
  dir: string;
  log?: Logger;
  clock?: Clock;
  signal?: AbortSignal;
  /** How long to wait for a signed cluster-info and for each certificate (default 5 minutes). */
  timeoutMs?: number;
}

export interface NodeCredentials {
  server: string;
  /** dir/kubelet.kubeconfig: server, CA and the node's client certificate, embedded. */
  kubeconfigPath: string;
  servingCertPath: string;
  servingKeyPath: string;
  caPath: string;
  caPem: string;
  client: { certPem: string; keyPem: string };
  serving: { certPem: string; keyPem: string };
  /** What was issued on this call (false: the file on disk was reused). */
  issued: { client: boolean; serving: boolean };
}

export async function bootstrapNodeCredentials(o: BootstrapOptions): Promise<NodeCredentials> {
  const clock = o.clock ?? realClock;
  const log = (o.log ?? pino({ level: 'silent' })).child({ component: 'bootstrap', node: o.nodeName });
  const timeoutMs = o.timeoutMs ?? 5 * 60_000;
  if (!o.nodeName) throw new Error('bootstrap: a node name is required');
  if (o.token !== undefined && o.kubeconfig !== undefined) throw new Error('bootstrap: give a token or a kubeconfig, not both');
  const joinToken = o.token !== undefined ? parseJoinToken(o.token) : undefined;
  const given = o.kubeconfig !== undefined ? parseKubeconfig(await readFile(o.kubeconfig, 'utf8'), { baseDir: dirname(o.kubeconfig) }) : undefined;
  const server = o.server ?? given?.server;
  if (!server) throw new Error('bootstrap: the API server URL is required (server, or a kubeconfig naming one)');
  const nodeUser = `system:node:${o.nodeName}`;
  const paths = {
    kubeconfig: join(o.dir, CREDENTIAL_FILES.kubeconfig), servingCert: join(o.dir, CREDENTIAL_FILES.servingCert),
    servingKey: join(o.dir, CREDENTIAL_FILES.servingKey), ca: join(o.dir, CREDENTIAL_FILES.ca),
  };
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const now = clock.now();

  // 1. Trust. The node's own kubeconfig counts only for the same server and, with a token, the CA it pins.
  const own = await readOwnKubeconfig(paths.kubeconfig);
  const ownUsable = own !== undefined && own.server === server && own.caPem !== undefined
    && (joinToken?.caHash === undefined || caCertHash(own.caPem) === joinToken.caHash);
  let caPem: string;
  if (given) {
    if (!given.caPem) throw new Error(`bootstrap: ${o.kubeconfig} has no certificate-authority: cannot verify ${server}`);
    caPem = given.caPem;
  } else if (ownUsable && own.caPem) {
    caPem = own.caPem;
  } else if (joinToken) {
    caPem = await discoverClusterCa({ server, token: joinToken, clock, log, timeoutMs, ...(o.signal ? { signal: o.signal } : {}) });
    log.info({ server, caHash: caCertHash(caPem) }, 'cluster CA verified');
  } else {
    throw new Error(`bootstrap: no usable ${paths.kubeconfig}: a join token or a kubeconfig is needed`);
  }

  // 2. The client certificate.
  const ownCert = ownUsable && own.caPem === caPem ? certState(own.certPem, own.keyPem, caPem, now) : 'missing';
  let client: { certPem: string; keyPem: string };
  let issuedClient = false;
  if (ownCert === 'good' && own?.certPem && own.keyPem && identityIs(own.certPem, nodeUser)) {
    client = { certPem: own.certPem, keyPem: own.keyPem };
  } else {
    // Renewal uses the node's own still-valid certificate (selfnodeclient); else the token or kubeconfig.
    const auth: ClientConfig = ownCert === 'renew' && own?.certPem && own.keyPem && identityIs(own.certPem, nodeUser)
      ? { server, caPem, certPem: own.certPem, keyPem: own.keyPem }
      : bootstrapAuth(server, caPem, joinToken, given);
    const requester = createClient({ ...auth, userAgent: 'k8ts-agent/bootstrap' });
    try {
      const issued = await requestCertificate({
        signerName: KUBELET_CLIENT_SIGNER, usages: ['digital signature', 'client auth'],
        commonName: nodeUser, organizations: [NODES_GROUP], namePrefix: 'node-csr-',
      }, waitOptions(requester, clock, log, timeoutMs, o.signal));
      client = { certPem: issued.certPem, keyPem: issued.keyPem };
      issuedClient = true;
    } finally {
      requester.close();
    }
  }
  await writeFileAtomic(paths.ca, caPem, 0o644);
  if (issuedClient || !ownUsable) {
    await writeFileAtomic(paths.kubeconfig, renderKubeconfig({
      server, caPem, user: client, clusterName: 'k8ts', userName: nodeUser, contextName: 'k8ts',
    }), 0o600);
  }

  // 3. The serving certificate, requested as the node itself.
  const serving = await readPair(paths.servingCert, paths.servingKey);
  let servingPair: { certPem: string; keyPem: string };
  let issuedServing = false;
  if (serving && certState(serving.certPem, serving.keyPem, caPem, now) === 'good' && identityIs(serving.certPem, nodeUser)
    && covers(serving.certPem, o.nodeName, o.nodeIPs)) {
    servingPair = serving;
  } else {
    const asNode = createClient({ server, caPem, certPem: client.certPem, keyPem: client.keyPem, userAgent: 'k8ts-agent/bootstrap' });
    try {
      const issued = await requestCertificate({
        signerName: KUBELET_SERVING_SIGNER, usages: ['digital signature', 'server auth'],
        commonName: nodeUser, organizations: [NODES_GROUP], dnsNames: [o.nodeName], ipAddresses: [...o.nodeIPs],
        namePrefix: 'csr-',
      }, waitOptions(asNode, clock, log, timeoutMs, o.signal));
      servingPair = { certPem: issued.certPem, keyPem: issued.keyPem };
      issuedServing = true;
    } finally {
      asNode.close();
    }
    // Key first: a crash in between leaves a certificate that does not match its key, which is reissued.
    await writeFileAtomic(paths.servingKey, servingPair.keyPem, 0o600);
    await writeFileAtomic(paths.servingCert, servingPair.certPem, 0o644);
  }
  log.info({ client: issuedClient ? 'issued' : 'reused', serving: issuedServing ? 'issued' : 'reused' }, 'node credentials ready');
  return {
    server, kubeconfigPath: paths.kubeconfig, servingCertPath: paths.servingCert, servingKeyPath: paths.servingKey, caPath: paths.ca,
    caPem, client, serving: servingPair, issued: { client: issuedClient, serving: issuedServing },
  };
}

function waitOptions(client: ApiClient, clock: Clock, log: Logger, timeoutMs: number, signal?: AbortSignal) {
  return { client, clock, log, timeoutMs, ...(signal ? { signal } : {}) };
}

function bootstrapAuth(server: string, caPem: string, token: JoinToken | undefined, given: ClientConfig | undefined): ClientConfig {
  if (given) return { ...given, server, caPem };
  if (token) return { server, caPem, token: formatBootstrapToken(token.token) };
  throw new Error('bootstrap: the node certificate has expired and there is no join token or kubeconfig to get a new one');
}

async function readOwnKubeconfig(path: string): Promise<ClientConfig | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try { return parseKubeconfig(text); } catch { return undefined; }
}

async function readPair(certPath: string, keyPath: string): Promise<{ certPem: string; keyPem: string } | undefined> {
  const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8').catch(() => undefined), readFile(keyPath, 'utf8').catch(() => undefined)]);
  return certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : undefined;
}

/** good: use it; renew: valid but past RENEW_AT_LIFETIME of its life; missing: absent, broken, foreign or expired. */
function certState(certPem: string | undefined, keyPem: string | undefined, caPem: string, now: number): 'good' | 'renew' | 'missing' {
  if (!certPem || !keyPem) return 'missing';
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey) || !cert.checkPrivateKey(createPrivateKey(keyPem))) return 'missing';
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    if (now >= to || now < from - 60 * 60_000) return 'missing';
    return now < from + (to - from) * RENEW_AT_LIFETIME ? 'good' : 'renew';
  } catch {
    return 'missing';
  }
}

function identityIs(certPem: string, user: string): boolean {
  const subject = new X509Certificate(certPem).subject.split('\n');
  return subject.includes(`CN=${user}`) && subject.includes(`O=${NODES_GROUP}`);
}

function covers(certPem: string, name: string, ips: readonly string[]): boolean {
  const cert = new X509Certificate(certPem);
  return cert.checkHost(name, { subject: 'never' }) !== undefined && ips.every((ip) => cert.checkIP(ip) !== undefined);
}
