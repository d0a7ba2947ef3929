// X.509 pieces shared by the cluster PKI, the CSR API and its signer, and a joining node: PEM
// blocks, PKCS#10 requests (build, read, verify), signing a leaf certificate with the cluster CA,
// and the key-usage names of the certificates.k8s.io API. Built on @peculiar/x509 over Node's
// WebCrypto (passed explicitly, never installed process-wide).
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, verify as verifySignature, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const crypto: webcrypto.Crypto = webcrypto;
export const EC_P256: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
export const ECDSA_SHA256: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** One PEM block: its label (`CERTIFICATE`, `CERTIFICATE REQUEST`, ...) and DER bytes. */
export interface PemBlock { type: string; der: Buffer }

/** Every PEM block in `text`, in order; text between blocks is ignored (as Go's pem.Decode skips it). */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const m of text.matchAll(re)) {
    const body = (m[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) continue;
    out.push({ type: m[1] as string, der: Buffer.from(body, 'base64') });
  }
  return out;
}

export function toPem(der: Uint8Array | ArrayBuffer, type: string): string {
  return `${x509.PemConverter.encode(der instanceof ArrayBuffer ? der : new Uint8Array(der).slice().buffer, type)}\n`;
}

/** What a certificate request asks for. */
export interface CertificateRequestInfo {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  /** 'EC' or 'RSA' (the key's algorithm name in WebCrypto terms: ECDSA, RSASSA-PKCS1-v1_5, ...). */
  keyAlgorithm: string;
}

/**
 * Reads the first PEM block of `pem`, which must be a CERTIFICATE REQUEST signed by its own key
 * (as kube's validation checks). Throws an Error whose message says what is wrong.
 */
export function parseCertificateRequest(pem: string): CertificateRequestInfo {
  const first = pemBlocks(pem)[0];
  if (!first) throw new Error('PEM block type must be CERTIFICATE REQUEST');
  if (first.type !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(first.der);
  } catch (e) {
    throw new Error(`x509: malformed certificate request: ${e instanceof Error ? e.message : String(e)}`);
  }
  const info = requestInfo(csr);
  if (!signatureValid(csr, first.der)) {
    throw new Error(`x509: ${info.keyAlgorithm === 'ECDSA' ? 'ECDSA' : info.keyAlgorithm} verification failure`);
  }
  return info;
}

/**
 * Proof of possession: the request is signed by the key it carries (kube checks it on create).
 * Synchronous, with Node's crypto over the DER: the signed part is the first element of the
 * outer SEQUENCE, the signature its third (a BIT STRING).
 */
function signatureValid(csr: x509.Pkcs10CertificateRequest, der: Buffer): boolean {
  try {
    const outer = derElement(der, 0);
    const info = derElement(der, outer.contentStart);
    const alg = derElement(der, info.end);
    const sig = derElement(der, alg.end);
    if (der[sig.start] !== 0x03 || der[sig.contentStart] !== 0) return false; // BIT STRING, no unused bits
    const key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
    const hash = (csr.signatureAlgorithm as { hash?: { name?: string } }).hash?.name;
    if (key.asymmetricKeyType !== 'ed25519' && !hash?.startsWith('SHA-')) return false; // unknown signature algorithm
    const digest = key.asymmetricKeyType === 'ed25519' ? null : (hash ?? '').replace('-', '').toLowerCase();
    return verifySignature(digest, der.subarray(info.start, info.end), key, der.subarray(sig.contentStart + 1, sig.end));
  } catch {
    return false;
  }
}

/** One DER TLV at `at`: where it starts, where its content starts, where it ends. */
function derElement(der: Buffer, at: number): { start: number; contentStart: number; end: number } {
  let i = at + 1;
  const first = der[i++];
  if (first === undefined) throw new Error('truncated DER');
  let len = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + (der[i++] ?? 0);
  }
  if (i + len > der.length) throw new Error('truncated DER');
  return { start: at, contentStart: i, end: i + len };
}

function requestInfo(csr: x509.Pkcs10CertificateRequest): CertificateRequestInfo {
  const names = csr.subjectName;
  const cns = names.getField('CN');
  const info: CertificateRequestInfo = {
    // Go's pkix.Name keeps the last CN when a subject carries several.
    commonName: cns[cns.length - 1] ?? '',
    organizations: names.getField('O'),
    dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [],
    keyAlgorithm: csr.publicKey.algorithm.name,
  };
  for (const ext of csr.extensions) {
    if (!(ext instanceof x509.SubjectAlternativeNameExtension)) continue;
    for (const n of ext.names.items) {
      if (n.type === 'dns') info.dnsNames.push(n.value);
      else if (n.type === 'ip') info.ipAddresses.push(n.value);
      else if (n.type === 'email') info.emailAddresses.push(n.value);
      else if (n.type === 'url') info.uris.push(n.value);
    }
  }
  return info;
}

export interface NewRequest {
  commonName: string;
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

/** A fresh ECDSA P-256 key and a PKCS#10 request signed with it. Both PEM; the key PKCS#8. */
export async function createCertificateRequest(req: NewRequest): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const sans: x509.JsonGeneralName[] = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(req.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [req.commonName] }, ...(req.organizations ?? []).map((o) => ({ O: [o] }))],
    keys,
    signingAlgorithm: ECDSA_SHA256,
    extensions: sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans, false)] : [],
  }, crypto);
  return { csrPem: `${csr.toString('pem')}\n`, keyPem: await exportPrivateKeyPem(keys.privateKey) };
}

export async function exportPrivateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return toPem(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export async function generateEcKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

// ---- signing ------------------------------------------------------------------------------------

/** What a leaf certificate says; the signer chooses the key usages and validity. */
export interface LeafSpec {
  subject: { commonName: string; organizations?: readonly string[] };
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** x509.KeyUsageFlags, OR-ed. */
  keyUsages: number;
  /** Extended key usage OIDs. */
  extKeyUsages: readonly string[];
  notBefore: Date;
  notAfter: Date;
}

/**
 * Signs a leaf for `publicKey` (a CryptoKey, or the PEM of a certificate request whose key is
 * certified) with the CA. notAfter is capped at the CA's own expiry: verifiers would reject the
 * leaf after the CA expires anyway.
 */
export async function signLeafCertificate(
  ca: { certPem: string; keyPem: string }, publicKey: webcrypto.CryptoKey | string, spec: LeafSpec,
): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importSigningKey(ca.keyPem);
  const key: x509.PublicKeyType = typeof publicKey === 'string' ? requestPublicKey(publicKey) : publicKey;
  // No key usage asked for: no extension (as Go's x509 omits it), since an empty one forbids every use.
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    ...(spec.keyUsages !== 0 ? [new x509.KeyUsagesExtension(spec.keyUsages, true)] : []),
    ...(spec.extKeyUsages.length > 0 ? [new x509.ExtendedKeyUsageExtension([...spec.extKeyUsages], false)] : []),
    await x509.SubjectKeyIdentifierExtension.create(key, false, crypto),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, crypto),
  ];
  const sans: x509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
  const notAfter = new Date(Math.min(spec.notAfter.getTime(), caCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    subject: [{ CN: [spec.subject.commonName] }, ...(spec.subject.organizations ?? []).map((o) => ({ O: [o] }))],
    issuer: caCert.subjectName,
    publicKey: key,
    signingKey: caKey.key,
    signingAlgorithm: caKey.algorithm,
    notBefore: spec.notBefore, notAfter, extensions,
  }, crypto);
  return `${cert.toString('pem')}\n`;
}

function requestPublicKey(csrPem: string): x509.PublicKey {
  const first = pemBlocks(csrPem)[0];
  if (first?.type !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  return new x509.Pkcs10CertificateRequest(first.der).publicKey;
}

/** Imports a PEM private key (any encoding Node reads) as a WebCrypto signing key. */
export async function importSigningKey(pem: string): Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.Algorithm }> {
  const key = createPrivateKey(pem);
  const der = key.export({ type: 'pkcs8', format: 'der' });
  if (key.asymmetricKeyType === 'ec') {
    const namedCurve = curveName(key.asymmetricKeyDetails?.namedCurve);
    const imported = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
    const algorithm: webcrypto.EcdsaParams = { name: 'ECDSA', hash: CURVE_HASH[namedCurve] };
    return { key: imported, algorithm };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const algorithm: webcrypto.RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await crypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']), algorithm };
  }
  throw new Error(`unsupported CA key type ${key.asymmetricKeyType ?? 'unknown'} (use EC or RSA)`);
}

type Curve = 'P-256' | 'P-384' | 'P-521';
/** The hash each curve is conventionally signed with (RFC 5480 section 4). */
const CURVE_HASH: Record<Curve, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

function curveName(openSslName: string | undefined): Curve {
  switch (openSslName) {
    case 'prime256v1': return 'P-256';
    case 'secp384r1': return 'P-384';
    case 'secp521r1': return 'P-521';
    default: throw new Error(`unsupported EC curve ${openSslName ?? 'unknown'}`);
  }
}

// ---- certificates.k8s.io key usages -----------------------------------------------------------

/** spec.usages values → X.509 KeyUsage bits (certificates/v1 KeyUsage constants). */
export const KEY_USAGE_BITS: Readonly<Record<string, number>> = Object.freeze({
  'signing': x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
});

/** spec.usages values → extended key usage OIDs. */
export const EXT_KEY_USAGE_OIDS: Readonly<Record<string, string>> = Object.freeze({
  'any': '2.5.29.37.0',
  'server auth': x509.ExtendedKeyUsage.serverAuth,
  'client auth': x509.ExtendedKeyUsage.clientAuth,
  'code signing': x509.ExtendedKeyUsage.codeSigning,
  'email protection': x509.ExtendedKeyUsage.emailProtection,
  's/mime': x509.ExtendedKeyUsage.emailProtection,
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  'timestamping': x509.ExtendedKeyUsage.timeStamping,
  'ocsp signing': x509.ExtendedKeyUsage.ocspSigning,
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
});

/** Every usage name certificates.k8s.io/v1 accepts. */
export const CSR_USAGES: readonly string[] = Object.freeze([...Object.keys(KEY_USAGE_BITS), ...Object.keys(EXT_KEY_USAGE_OIDS)]);
