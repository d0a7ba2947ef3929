// One certificate through the certificates.k8s.io API, as kubelet's certificate manager gets it:
// a fresh key that never leaves the node, a CSR addressed to a signer, then a watch until the
// certificate is issued (or the request is denied or fails). Approval is the cluster's business:
// csrapproving approves kubelet CSRs; anything else waits for `kubectl certificate approve`.
import { X509Certificate } from 'node:crypto';
import type { Logger } from 'pino';
import { R, type ApiClient } from '../../client/index.js';
import type { Clock } from '../../machinery/clock.js';
import { createCertificateRequest, pemBlocks } from '../../machinery/x509.js';
import type { KubeObject } from '../../machinery/object.js';

export interface CertificateRequestSpec {
  signerName: string;
  usages: readonly string[];
  commonName: string;
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** CSR object names get this prefix (generateName), e.g. `node-csr-`. */
  namePrefix: string;
}

export interface WaitOptions { client: ApiClient; clock: Clock; log: Logger; timeoutMs: number; signal?: AbortSignal }

interface Csr extends KubeObject {
  status?: { certificate?: string; conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
}

/** The issued certificate (PEM, leaf first) and its private key (PKCS#8 PEM). */
export interface IssuedCertificate { certPem: string; keyPem: string; csrName: string }

export async function requestCertificate(spec: CertificateRequestSpec, o: WaitOptions): Promise<IssuedCertificate> {
  const { csrPem, keyPem } = await createCertificateRequest(spec);
  const created = await o.client.create<Csr>(R.certificatesigningrequests, '', {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest',
    metadata: { generateName: spec.namePrefix },
    spec: { request: Buffer.from(csrPem, 'utf8').toString('base64'), signerName: spec.signerName, usages: [...spec.usages] },
  });
  const name = created.metadata?.name ?? '';
  o.log.info({ csr: name, signer: spec.signerName }, 'certificate requested');
  const certPem = await waitForCertificate(name, created, o);
  checkIssued(certPem, csrPem, name);
  return { certPem, keyPem, csrName: name };
}

/** Watches the CSR until it has a certificate; rejects when it is denied, fails, or time runs out. */
async function waitForCertificate(name: string, first: Csr, o: WaitOptions): Promise<string> {
  const stop = new AbortController();
  const onAbort = () => stop.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = o.clock.sleep(o.timeoutMs, stop.signal).then(() => { timedOut = true; stop.abort(); }, () => undefined);
  try {
    let csr: Csr = first;
    for (;;) {
      const done = outcome(name, csr);
      if (done !== undefined) return done;
      // Watch from the version in hand; a closed stream (server timeout, restart) resumes with a fresh read.
      try {
        for await (const ev of o.client.watch<Csr>(R.certificatesigningrequests, '', {
          fieldSelector: `metadata.name=${name}`, resourceVersion: csr.metadata?.resourceVersion ?? '', timeoutSeconds: 300,
        }, stop.signal)) {
          if (ev.type === 'DELETED') throw new Error(`certificate signing request ${name} was deleted before it was issued`);
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
          const got = outcome(name, ev.object);
          if (got !== undefined) return got;
        }
      } catch (e) {
        if (stop.signal.aborted) break;
        if (e instanceof CertificateRefusedError || (e instanceof Error && e.message.includes('was deleted'))) throw e;
        o.log.debug({ err: e, csr: name }, 'watch of CSR ended; reading it again');
        await o.clock.sleep(500, stop.signal).catch(() => undefined);
      }
      if (stop.signal.aborted) break;
      csr = await o.client.get<Csr>(R.certificatesigningrequests, '', name);
    }
    if (timedOut) {
      throw new Error(`certificate signing request ${name} was not issued within ${Math.round(o.timeoutMs / 1000)}s: ` +
        `is it approved? (kubectl get csr ${name}; kubectl certificate approve ${name})`);
    }
    throw o.signal?.reason instanceof Error ? o.signal.reason : new Error('aborted');
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await timer;
  }
}

export class CertificateRefusedError extends Error {
  override name = 'CertificateRefusedError';
}

function outcome(name: string, csr: Csr): string | undefined {
  const cond = (t: string) => csr.status?.conditions?.find((c) => c.type === t && c.status === 'True');
  const denied = cond('Denied');
  if (denied) throw new CertificateRefusedError(`certificate signing request ${name} was denied: ${denied.reason ?? ''} ${denied.message ?? ''}`.trim());
  const failed = cond('Failed');
  if (failed) throw new CertificateRefusedError(`certificate signing request ${name} failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim());
  const cert = csr.status?.certificate;
  return cert ? Buffer.from(cert, 'base64').toString('utf8') : undefined;
}

/** The issued certificate must certify our key (a signer that swapped it would lock us out anyway). */
function checkIssued(certPem: string, csrPem: string, name: string): void {
  const leaf = pemBlocks(certPem).find((b) => b.type === 'CERTIFICATE');
  if (!leaf) throw new CertificateRefusedError(`certificate signing request ${name}: the issued certificate is not PEM`);
  const cert = new X509Certificate(leaf.der);
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const reqDer = pemBlocks(csrPem)[0]?.der;
  if (!reqDer || !reqDer.includes(spki)) {
    throw new CertificateRefusedError(`certificate signing request ${name}: the issued certificate is not for the requested key`);
  }
}
