// SPDX-License-Identifier: Apache-2.0
// The cluster's X.509 PKI: one CA, the API server's serving certificate and the admin client
// certificate, kept under `${dataDir}/tls/` and reused across restarts (what k3s does in
// pkg/daemons/control/deps and kubeadm in `kubeadm init phase certs`).
//
// Certificates are built with @peculiar/x509 over Node's WebCrypto (ECDSA P-256: small, fast,
// and accepted by kubectl, client-go and Node's tls). Checking existing files (issuer, key match,
// expiry, SANs) uses Node's own crypto.X509Certificate, the same parser Node's tls relies on.
import 'reflect-metadata';
import { createPrivateKey, webcrypto, X509Certificate as NodeCertificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../machinery/write-file-atomic.js';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { EC_P256, ECDSA_SHA256, exportPrivateKeyPem, generateEcKeyPair, signLeafCertificate } from '../../machinery/x509.js';

/** A certificate and its private key, both PEM (the key PKCS#8, as Node's tls accepts). */
export interface CertKeyPem { certPem: string; keyPem: string }

/** A certificate and key as written to disk. */
export interface StoredCertKey extends CertKeyPem { certPath: string; keyPath: string }

export interface ClusterPki {
  /** `${dataDir}/tls` */
  dir: string;
  /** The cluster CA. `fingerprint256` is the SHA-256 of its DER, colon-separated hex (as Node prints it). */
  ca: StoredCertKey & { fingerprint256: string };
  /** The API server's serving certificate (serverAuth), signed by the CA. */
  serving: StoredCertKey;
  /** The cluster-admin client certificate: CN=admin, O=system:masters (clientAuth). */
  admin: StoredCertKey;
}

export interface EnsurePkiOptions {
  /** Extra DNS names for the serving certificate (an IP written here is treated as an IP SAN). */
  hostnames: readonly string[];
  /** Extra IP addresses for the serving certificate, e.g. the `kubernetes` Service's ClusterIP. */
  ips: readonly string[];
  /** Current time; defaults to the wall clock. Lets tests exercise expiry and renewal. */
  now?: Date;
}

export interface ClientCertRequest {
  /** Becomes the user name (Kubernetes x509 authentication reads the subject CN). */
  commonName: string;
  /** Become the user's groups (one O attribute each), e.g. `system:nodes`. */
  organizations?: readonly string[];
  /** Validity in days; 365 by default. */
  days?: number;
  now?: Date;
}

export interface ServingCertRequest {
  commonName: string;
  /** DNS names; IP literals here are moved to IP SANs. */
  hostnames?: readonly string[];
  ips?: readonly string[];
  days?: number;
  now?: Date;
}

const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Leaf certificates this close to expiry are reissued on the next start (k3s renews within 90 days). */
const RENEW_BEFORE_MS = 90 * 86_400_000;
/** Backdating notBefore tolerates clock skew between the server and nodes that verify its certificates. */
const BACKDATE_MS = 5 * 60_000;
const ADMIN_USER = 'admin';
const ADMIN_GROUP = 'system:masters';

/** The names kubeadm puts on kube-apiserver's certificate so in-cluster clients can verify it. */
const DEFAULT_DNS = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local'];
const DEFAULT_IPS = ['127.0.0.1', '::1'];

const FILES = {
  caCert: 'ca.crt', caKey: 'ca.key',
  servingCert: 'apiserver.crt', servingKey: 'apiserver.key',
  adminCert: 'admin.crt', adminKey: 'admin.key',
} as const;

// Node's webcrypto is the WebCrypto @peculiar/x509 expects; passed explicitly rather than
// installed process-wide with cryptoProvider.set().
const crypto: webcrypto.Crypto = webcrypto;

/**
 * Creates the cluster PKI under `${dataDir}/tls/` on first call, and reuses it afterwards.
 * The CA is never replaced once written (every issued certificate depends on it): a CA
 * certificate whose key is missing or does not match is an error. The serving and admin
 * certificates are reissued when missing, not signed by the CA, not matching their key, near
 * expiry, or (serving) lacking a requested SAN.
 */
export async function ensureClusterPki(dataDir: string, opts: EnsurePkiOptions): Promise<ClusterPki> {
  const now = opts.now ?? new Date();
  const dir = join(dataDir, 'tls');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = (f: keyof typeof FILES): string => join(dir, FILES[f]);

  const ca = await ensureCa(path('caCert'), path('caKey'), now);
  const sans = splitSans([...DEFAULT_DNS, hostname(), ...opts.hostnames], [...DEFAULT_IPS, ...opts.ips]);

  const serving = await ensureLeaf(path('servingCert'), path('servingKey'), ca, now,
    cert => sans.dns.every(h => cert.checkHost(h, { subject: 'never' }) !== undefined)
      && sans.ips.every(ip => cert.checkIP(ip) !== undefined)
      && hasExtKeyUsage(cert, x509.ExtendedKeyUsage.serverAuth),
    () => issueServingCert({ ca }, { commonName: 'k8ts-apiserver', hostnames: sans.dns, ips: sans.ips, now }));

  const admin = await ensureLeaf(path('adminCert'), path('adminKey'), ca, now,
    cert => subjectField(cert, 'CN').join() === ADMIN_USER && subjectField(cert, 'O').includes(ADMIN_GROUP)
      && hasExtKeyUsage(cert, x509.ExtendedKeyUsage.clientAuth),
    () => issueClientCert({ ca }, { commonName: ADMIN_USER, organizations: [ADMIN_GROUP], now }));

  return { dir, ca: { ...ca, fingerprint256: new NodeCertificate(ca.certPem).fingerprint256 }, serving, admin };
}

/** The names of the CA's files under `${dataDir}/tls/` (what servers of one cluster share, cli/bootstrap-data.ts). */
export const CLUSTER_CA_FILES = { cert: FILES.caCert, key: FILES.caKey } as const;

/**
 * A new self-signed cluster CA, in memory only: `k8ts server` with a datastore shared by several
 * servers writes it to disk once the datastore has chosen one CA for the cluster; ensureClusterPki
 * then finds and keeps it.
 */
export function createClusterCa(now: Date = new Date()): Promise<CertKeyPem> {
  return createCa(now);
}

/** Issues a client certificate (clientAuth) signed by the cluster CA: CN is the user, each O a group. */
export async function issueClientCert(pki: { ca: CertKeyPem }, req: ClientCertRequest): Promise<CertKeyPem> {
  if (req.commonName === '') throw new Error('a client certificate needs a common name (the user name)');
  return issueLeaf(pki.ca, {
    subject: { commonName: req.commonName, organizations: req.organizations ?? [] },
    days: req.days ?? LEAF_DAYS, now: req.now ?? new Date(),
    usages: [x509.ExtendedKeyUsage.clientAuth], sans: { dns: [], ips: [] },
  });
}

/** Issues a serving certificate (serverAuth) signed by the cluster CA for the given names and IPs. */
export async function issueServingCert(pki: { ca: CertKeyPem }, req: ServingCertRequest): Promise<CertKeyPem> {
  const { dns, ips } = splitSans(req.hostnames ?? [], req.ips ?? []);
  if (dns.length === 0 && ips.length === 0) throw new Error('a serving certificate needs at least one host name or IP');
  return issueLeaf(pki.ca, {
    subject: { commonName: req.commonName }, days: req.days ?? LEAF_DAYS, now: req.now ?? new Date(),
    usages: [x509.ExtendedKeyUsage.serverAuth], sans: { dns, ips },
  });
}

// --- CA and leaf lifecycle on disk -------------------------------------------------------------

async function ensureCa(certPath: string, keyPath: string, now: Date): Promise<StoredCertKey> {
  const certPem = await readIfExists(certPath);
  const keyPem = await readIfExists(keyPath);
  if (certPem !== undefined) {
    // Replacing a CA silently would orphan every node and kubeconfig: refuse instead.
    if (keyPem === undefined) throw new Error(`cluster CA ${certPath} exists but its key ${keyPath} is missing`);
    const cert = new NodeCertificate(certPem);
    if (!cert.ca) throw new Error(`${certPath} is not a CA certificate`);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error(`${keyPath} does not match ${certPath}`);
    return { certPem, keyPem, certPath, keyPath };
  }
  // No CA certificate yet: nothing can have been issued from a leftover key, so start afresh.
  const created = await createCa(now);
  // Key first, then certificate: a crash in between leaves "key without cert", handled above.
  await writeFileAtomic(keyPath, created.keyPem, 0o600);
  await writeFileAtomic(certPath, created.certPem, 0o644);
  return { ...created, certPath, keyPath };
}

async function ensureLeaf(
  certPath: string, keyPath: string, ca: CertKeyPem, now: Date,
  fits: (cert: NodeCertificate) => boolean, issue: () => Promise<CertKeyPem>,
): Promise<StoredCertKey> {
  const certPem = await readIfExists(certPath);
  const keyPem = await readIfExists(keyPath);
  if (certPem !== undefined && keyPem !== undefined && leafUsable(certPem, keyPem, ca, now, fits)) {
    return { certPem, keyPem, certPath, keyPath };
  }
  const issued = await issue();
  await writeFileAtomic(keyPath, issued.keyPem, 0o600);
  await writeFileAtomic(certPath, issued.certPem, 0o644);
  return { ...issued, certPath, keyPath };
}

function leafUsable(certPem: string, keyPem: string, ca: CertKeyPem, now: Date,
  fits: (cert: NodeCertificate) => boolean): boolean {
  let cert: NodeCertificate;
  let key: KeyObject;
  try {
    cert = new NodeCertificate(certPem);
    key = createPrivateKey(keyPem);
  } catch {
    return false; // unreadable files are reissued, not fatal: they hold nothing the CA cannot recreate
  }
  const caCert = new NodeCertificate(ca.certPem);
  return cert.checkIssued(caCert) && cert.verify(caCert.publicKey) && cert.checkPrivateKey(key)
    && Date.parse(cert.validTo) - now.getTime() > RENEW_BEFORE_MS && fits(cert);
}

// --- certificate construction ------------------------------------------------------------------

async function createCa(now: Date): Promise<CertKeyPem> {
  const keys = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: ['k8ts-ca'] }],
    keys,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * 86_400_000),
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ],
  }, crypto);
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

interface LeafSpec {
  subject: { commonName: string; organizations?: readonly string[] };
  days: number;
  now: Date;
  usages: string[];
  sans: { dns: readonly string[]; ips: readonly string[] };
}

async function issueLeaf(ca: CertKeyPem, spec: LeafSpec): Promise<CertKeyPem> {
  if (!(spec.days > 0)) throw new Error(`certificate validity must be a positive number of days, got ${spec.days}`);
  const keys = await generateEcKeyPair();
  const certPem = await signLeafCertificate(ca, keys.publicKey, {
    subject: spec.subject,
    dnsNames: spec.sans.dns, ipAddresses: spec.sans.ips,
    keyUsages: x509.KeyUsageFlags.digitalSignature,
    extKeyUsages: spec.usages,
    notBefore: new Date(spec.now.getTime() - BACKDATE_MS),
    notAfter: new Date(spec.now.getTime() + spec.days * 86_400_000),
  });
  return { certPem, keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

// --- helpers -----------------------------------------------------------------------------------

/** Sorts names into DNS and IP SANs (an IP literal is an IP wherever it was given), deduplicated. */
function splitSans(names: readonly string[], ips: readonly string[]): { dns: string[]; ips: string[] } {
  const dns = new Set<string>();
  const ipSet = new Set<string>();
  for (const raw of [...names, ...ips]) {
    const v = raw.trim();
    if (v === '') continue;
    if (isIP(v) !== 0) ipSet.add(v);
    else if (ips.includes(raw)) throw new Error(`"${raw}" is not an IP address`);
    else dns.add(v.toLowerCase());
  }
  return { dns: [...dns], ips: [...ipSet] };
}

function hasExtKeyUsage(cert: NodeCertificate, oid: string): boolean {
  // Node exposes the EKU OIDs as `keyUsage` (undefined when the extension is absent).
  return cert.keyUsage?.includes(oid) ?? false;
}

/** Values of one subject attribute, e.g. all O values. Node prints the subject one `K=V` per line. */
function subjectField(cert: NodeCertificate, attr: string): string[] {
  return cert.subject.split('\n').filter(l => l.startsWith(`${attr}=`)).map(l => l.slice(attr.length + 1));
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  }
}

export { writeFileAtomic } from '../../machinery/write-file-atomic.js';
