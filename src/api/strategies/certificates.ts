// certificates.k8s.io/v1 CertificateSigningRequest: validation and the three update paths of
// kube's registry (pkg/registry/certificates/certificates/strategy.go, pkg/apis/certificates/validation):
// - the object itself: only metadata changes (spec and status are kept);
// - /status (signers): conditions other than Approved/Denied, and the certificate once;
// - /approval (approvers): the Approved and Denied conditions.
// The requesting user (spec.username, uid, groups, extra) is stamped by the API server's CSR
// handler from the authenticated caller, not taken from the body.
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import { isPlainObject, rfc3339 } from '../../machinery/object.js';
import { CSR_USAGES, parseCertificateRequest, pemBlocks } from '../../machinery/x509.js';
import { X509Certificate } from 'node:crypto';
import { arr, deepEqual, isDNS1123Label, isDNS1123Subdomain, rec, str } from './common.js';

export type CsrConditionType = 'Approved' | 'Denied' | 'Failed';

/** The signers Kubernetes defines (k8s.io/api/certificates/v1 constants). */
export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';
const APPROVAL_TYPES = ['Approved', 'Denied'] as const;
const TRUE_ONLY_TYPES = new Set(['Approved', 'Denied', 'Failed']);
const STATUS_VALUES = ['True', 'False', 'Unknown'];
const SORTED_USAGES = [...CSR_USAGES].sort();
const DNS1123_SUBDOMAIN_MAX = 253;
const MAX_SIGNER_NAME = DNS1123_SUBDOMAIN_MAX + (DNS1123_SUBDOMAIN_MAX + 63 + 1) + 1;

interface Condition { type?: unknown; status?: unknown; lastUpdateTime?: unknown; lastTransitionTime?: unknown; [k: string]: unknown }

const conditionsOf = (o: KubeObject): Condition[] =>
  arr(rec(o.status)?.['conditions']).filter(isPlainObject) as Condition[];
const certificateOf = (o: KubeObject): string => str(rec(o.status)?.['certificate']) ?? '';

/** Decoded spec.request (JSON carries []byte as base64), or undefined when it is not base64. */
export function csrRequestPem(o: Readonly<KubeObject>): string | undefined {
  const b64 = str(rec(o.spec)?.['request']);
  if (b64 === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64.replace(/\s+/g, ''))) return undefined;
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** Decoded status.certificate (PEM), '' when not issued. */
export function csrCertificatePem(o: Readonly<KubeObject>): string {
  return Buffer.from(certificateOf(o as KubeObject), 'base64').toString('utf8');
}

/** ValidateCertificateSigningRequestSignerName: `<fqdn>/<path>`. */
export function signerNameErrors(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'string' || v === '') return [field.required(path, 'signerName must be provided')];
  const segments = v.split('/');
  if (segments.length !== 2) return [field.invalid(path, v, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain = '', rest = ''] = segments;
  const errs: FieldError[] = [];
  if (domain.length > DNS1123_SUBDOMAIN_MAX) errs.push(field.tooLong(path, DNS1123_SUBDOMAIN_MAX));
  const labels = domain.split('.');
  for (const l of labels) {
    const msgs = isDNS1123Label(l);
    if (msgs.length) { for (const m of msgs) errs.push(field.invalid(path, domain, `validating label "${l}": ${m}`)); break; }
  }
  if (labels.length < 2) errs.push(field.invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const l of rest.split('.')) {
    const msgs = isDNS1123Subdomain(l);
    if (msgs.length) { for (const m of msgs) errs.push(field.invalid(path, rest, `validating label "${l}": ${m}`)); break; }
  }
  if (v.length > MAX_SIGNER_NAME) errs.push(field.tooLong(path, MAX_SIGNER_NAME));
  return errs;
}

function conditionErrors(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<unknown>();
  let approved = false;
  let denied = false;
  conditionsOf(o).forEach((c, i) => {
    const p = `status.conditions[${i}]`;
    if (c.type === undefined || c.type === '') errs.push(field.required(`${p}.type`));
    const allowed = TRUE_ONLY_TYPES.has(String(c.type)) ? ['True'] : STATUS_VALUES;
    if (c.status === undefined || c.status === '') errs.push(field.required(`${p}.status`));
    else if (!allowed.includes(String(c.status))) errs.push(field.notSupported(`${p}.status`, c.status, allowed));
    if (c.type === 'Approved') {
      approved = true;
      if (denied) errs.push(field.invalid(`${p}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
    } else if (c.type === 'Denied') {
      denied = true;
      if (approved) errs.push(field.invalid(`${p}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
    }
    if (seen.has(c.type)) errs.push(field.duplicate(`${p}.type`, c.type));
    seen.add(c.type);
  });
  return errs;
}

function certificateError(pem: string): string | undefined {
  if (pem === '') return undefined;
  const blocks = pemBlocks(pem);
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  for (const b of blocks) {
    if (b.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found "${b.type}"`;
    try { new X509Certificate(b.der); } catch (e) { return `x509: ${e instanceof Error ? e.message : String(e)}`; }
  }
  return undefined;
}

/** validateCertificateSigningRequest: the whole object, as on create. */
export function validateCsr(o: KubeObject): FieldError[] {
  const spec = rec(o.spec) ?? {};
  const errs: FieldError[] = [];
  const pem = csrRequestPem(o);
  if (pem === undefined) errs.push(field.invalid('spec.request', spec['request'] ?? null, 'illegal base64 data'));
  else {
    try { parseCertificateRequest(pem); } catch (e) {
      errs.push(field.invalid('spec.request', '<request data>', e instanceof Error ? e.message : String(e)));
    }
  }
  const usages = arr(spec['usages']);
  if (usages.length === 0) errs.push(field.required('spec.usages', 'usages must be provided'));
  const seen = new Set<unknown>();
  usages.forEach((u, i) => {
    if (typeof u !== 'string' || !CSR_USAGES.includes(u)) errs.push(field.notSupported(`spec.usages[${i}]`, u, SORTED_USAGES));
    if (seen.has(u)) errs.push(field.duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  if (spec['signerName'] === 'kubernetes.io/legacy-unknown') {
    errs.push(field.invalid('spec.signerName', spec['signerName'], 'the legacy signerName is not allowed via this API version'));
  } else {
    errs.push(...signerNameErrors(spec['signerName'], 'spec.signerName'));
  }
  const exp = spec['expirationSeconds'];
  if (exp !== undefined && exp !== null) {
    if (!Number.isInteger(exp)) errs.push(field.invalid('spec.expirationSeconds', exp, 'must be an integer'));
    else if ((exp as number) < 600) errs.push(field.invalid('spec.expirationSeconds', exp, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...conditionErrors(o));
  const certErr = certificateError(csrCertificatePem(o));
  if (certErr) errs.push(field.invalid('status.certificate', '<certificate data>', certErr));
  return errs;
}

type UpdatePath = 'main' | 'status' | 'approval';

/** validateCertificateSigningRequestUpdate with the options of each path. */
export function validateCsrUpdate(o: KubeObject, old: KubeObject, path: UpdatePath): FieldError[] {
  const errs = validateCsr(o);
  const ofType = (x: KubeObject, t: string) => conditionsOf(x).filter((c) => c.type === t);
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (ofType(o, t).length < ofType(old, t).length) errs.push(field.forbidden('status.conditions', `updates may not remove a condition of type "${t}"`));
  }
  if (path !== 'approval') {
    for (const t of APPROVAL_TYPES) {
      const now = ofType(o, t);
      const before = ofType(old, t);
      if (now.length > before.length) errs.push(field.forbidden('status.conditions', `updates may not add a condition of type "${t}"`));
      else if (now.length === before.length && !deepEqual(now, before)) errs.push(field.forbidden('status.conditions', `updates may not modify a condition of type "${t}"`));
    }
  }
  if (certificateOf(o) !== certificateOf(old)) {
    if (path !== 'status') errs.push(field.forbidden('status.certificate', 'updates may not set certificate content'));
    else if (certificateOf(old) !== '') errs.push(field.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  }
  return errs;
}

/**
 * populateConditionTimestamps: lastUpdateTime defaults to now; lastTransitionTime is carried from
 * the old condition of the same type and status, or now when the status changed (or is new).
 */
function populateConditionTimestamps(o: KubeObject, old: KubeObject | undefined, now: number): void {
  const ts = rfc3339(now);
  for (const c of conditionsOf(o)) {
    if (!c.lastUpdateTime) c.lastUpdateTime = ts;
    if (!c.lastTransitionTime) {
      const prev = old ? conditionsOf(old).find((x) => x.type === c.type) : undefined;
      c.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : ts;
    }
  }
}

/** The object (main resource) path: metadata only. */
export const certificateSigningRequestStrategy: KindStrategy = {
  validateCreate: validateCsr,
  validateUpdate: (o, old) => validateCsrUpdate(o, old, 'main'),
  prepareForCreate: (o) => { o.status = {}; },
  prepareForUpdate: (o, old) => {
    o.spec = structuredClone(old.spec);
    if (old.status === undefined) delete o.status; else o.status = structuredClone(old.status);
  },
};

/** /status: spec and the Approved/Denied conditions stay as stored; everything else from `o`. */
export function prepareCsrStatusUpdate(o: KubeObject, old: KubeObject, now: number): void {
  o.spec = structuredClone(old.spec);
  const status = (o.status = rec(o.status) ?? {});
  const keep = conditionsOf(old).filter((c) => APPROVAL_TYPES.includes(c.type as 'Approved'));
  const rest = conditionsOf(o).filter((c) => !APPROVAL_TYPES.includes(c.type as 'Approved'));
  const conditions = [...structuredClone(keep), ...rest];
  if (conditions.length > 0 || rec(old.status)?.['conditions'] !== undefined) status['conditions'] = conditions;
  else delete status['conditions'];
  populateConditionTimestamps(o, old, now);
}

/** /approval: spec, certificate and conditions other than Approved/Denied stay as stored. */
export function prepareCsrApprovalUpdate(o: KubeObject, old: KubeObject, now: number): void {
  o.spec = structuredClone(old.spec);
  const approvals = conditionsOf(o).filter((c) => APPROVAL_TYPES.includes(c.type as 'Approved'));
  const others = conditionsOf(old).filter((c) => !APPROVAL_TYPES.includes(c.type as 'Approved'));
  const status: Record<string, unknown> = { ...(rec(old.status) ?? {}) };
  const conditions = [...approvals, ...structuredClone(others)];
  if (conditions.length > 0 || status['conditions'] !== undefined) status['conditions'] = conditions;
  o.status = status;
  populateConditionTimestamps(o, old, now);
}

/** Has the CSR a condition of this type with status True? */
export function csrHasCondition(o: Readonly<KubeObject>, type: CsrConditionType): boolean {
  return conditionsOf(o as KubeObject).some((c) => c.type === type && c.status === 'True');
}
