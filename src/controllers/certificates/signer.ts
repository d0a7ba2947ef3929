// csrsigning (pkg/controller/certificates/signer): issues certificates with the cluster CA for
// approved CSRs of the signers k8ts implements (kubelet client, kubelet serving, apiserver client).
// A request the signer must not sign gets a Failed condition (SignerValidationFailure), as kube's.
// The CA arrives as files (kube-controller-manager --cluster-signing-cert-file/-key-file): the
// controllers run on another thread (or process) than the API server, and files are what both share.
import { readFile } from 'node:fs/promises';
import { R, createWorkQueue } from '../../client/index.js';
import { isStatusError } from '../../machinery/errors.js';
import { rfc3339 } from '../../machinery/object.js';
import { EXT_KEY_USAGE_OIDS, KEY_USAGE_BITS, signLeafCertificate } from '../../machinery/x509.js';
import { csrHasCondition, csrRequestPem } from '../../api/strategies/index.js';
import { runWorkers, waitForSync, type Controller, type ControllerContext } from '../runtime/index.js';
import { OUR_SIGNERS, requestOf, signerProblem, type CertificateSigningRequest } from './requests.js';

/** kube's --cluster-signing-duration default. */
export const DEFAULT_SIGNING_DURATION_MS = 365 * 86_400_000;
/** Certificates start this far in the past: clocks of nodes and server disagree a little (kube: 5 min). */
const BACKDATE_MS = 5 * 60_000;

export interface CertificateAuthority { certPem: string; keyPem: string }

/** The outcome for one CSR: a certificate to write, a failure to record, or nothing to do. */
export type SignOutcome =
  | { kind: 'issue'; certPem: string }
  | { kind: 'fail'; message: string }
  | { kind: 'skip' };

/**
 * Signs `csr` if it is approved, not failed, not yet issued and addressed to a signer of ours.
 * Validity: the requested expirationSeconds capped by `maxDurationMs` (and by the CA's own expiry).
 */
export async function signCsr(ca: CertificateAuthority, csr: Readonly<CertificateSigningRequest>, now: number, maxDurationMs: number): Promise<SignOutcome> {
  if (!csrHasCondition(csr, 'Approved') || csrHasCondition(csr, 'Failed') || csr.status?.certificate) return { kind: 'skip' };
  const spec = csr.spec ?? {};
  const usages = spec.usages ?? [];
  if (!OUR_SIGNERS.has(spec.signerName ?? '')) return { kind: 'skip' };
  const pem = csrRequestPem(csr);
  const req = requestOf(csr);
  if (pem === undefined || !req) return { kind: 'fail', message: 'unable to parse csr: not a valid signed PKCS#10 request' };
  const problem = signerProblem(spec.signerName ?? '', req, usages);
  if (problem !== undefined) return { kind: 'fail', message: `invalid certificate request: ${problem}` };
  const requested = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds * 1000 : maxDurationMs;
  const keyUsages = usages.reduce((bits, u) => bits | (KEY_USAGE_BITS[u] ?? 0), 0);
  const extKeyUsages = [...new Set(usages.map((u) => EXT_KEY_USAGE_OIDS[u]).filter((o): o is string => o !== undefined))];
  const certPem = await signLeafCertificate(ca, pem, {
    subject: { commonName: req.commonName, organizations: req.organizations },
    dnsNames: req.dnsNames, ipAddresses: req.ipAddresses,
    keyUsages, extKeyUsages,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + Math.min(requested, maxDurationMs)),
  });
  return { kind: 'issue', certPem };
}

export function csrSigningController(ctx: ControllerContext): Controller {
  const name = 'csrsigning';
  return {
    name,
    async run(signal) {
      const log = ctx.log.child({ controller: name });
      const { clusterSigningCertFile: certFile, clusterSigningKeyFile: keyFile } = ctx.config;
      if (!certFile || !keyFile) {
        log.info('no cluster signing certificate and key configured: CSRs will not be signed');
        return;
      }
      const queue = createWorkQueue({ clock: ctx.clock, maxDelayMs: 60_000 });
      const csrs = ctx.informers.informerFor<CertificateSigningRequest>(R.certificatesigningrequests);
      const enqueue = (c: Readonly<CertificateSigningRequest>) => queue.add(c.metadata?.name ?? '');
      csrs.on({ add: enqueue, update: (_o, c) => enqueue(c) });
      const maxDurationMs = ctx.config.clusterSigningDurationMs ?? DEFAULT_SIGNING_DURATION_MS;

      const reconcile = async (key: string): Promise<void> => {
        const csr = csrs.lister.get(key);
        if (!csr) return;
        // Read per signing: a CA rotated on disk is used without a restart, and signing is rare.
        const ca = { certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
        const outcome = await signCsr(ca, csr, ctx.clock.now(), maxDurationMs);
        if (outcome.kind === 'skip') return;
        const next = structuredClone(csr) as CertificateSigningRequest;
        const status = (next.status ??= {});
        if (outcome.kind === 'issue') {
          status.certificate = Buffer.from(outcome.certPem, 'utf8').toString('base64');
        } else {
          const ts = rfc3339(ctx.clock.now());
          status.conditions = [...(status.conditions ?? []), {
            type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: outcome.message, lastUpdateTime: ts, lastTransitionTime: ts,
          }];
        }
        try {
          await ctx.client.update(R.certificatesigningrequests, '', next, { subresource: 'status' });
          log.info({ csr: key, signer: csr.spec?.signerName, outcome: outcome.kind }, outcome.kind === 'issue' ? 'signed' : 'refused to sign');
        } catch (e) {
          if (isStatusError(e) && e.code === 404) return;
          throw e;
        }
      };

      if (!await waitForSync(signal, csrs)) return;
      await runWorkers({ name, queue, workers: ctx.config.workers ?? 1, reconcile, log, signal });
    },
  };
}
