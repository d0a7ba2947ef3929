// Kubernetes Status errors: one class, built here, serialised only by the HTTP layer.
// Shapes and messages follow k8s.io/apimachinery/pkg/api/errors.

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict'
  | 'Gone' | 'Invalid' | 'Expired' | 'MethodNotAllowed' | 'NotAcceptable' | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType' | 'TooManyRequests' | 'InternalError' | 'Timeout' | 'ServiceUnavailable' | '';

export interface StatusCause { reason?: string; message?: string; field?: string }

export interface StatusDetails {
  name?: string; group?: string; kind?: string; uid?: string;
  causes?: StatusCause[]; retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A group and resource as kube-apiserver names them in messages: `deployments.apps`, `pods`. */
export interface GroupResource { group: string; resource: string }

export function grString(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
  }
  get code(): number { return this.status.code; }
  get reason(): StatusReason { return this.status.reason ?? ''; }
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new StatusError(status);
}

export const badRequest = (message: string): StatusError => failure(400, 'BadRequest', message);

export const unauthorized = (message = 'Unauthorized'): StatusError => failure(401, 'Unauthorized', message);

export const forbidden = (gr: GroupResource, name: string, reason: string): StatusError =>
  failure(403, 'Forbidden',
    name ? `${grString(gr)} "${name}" is forbidden: ${reason}` : `${grString(gr)} is forbidden: ${reason}`,
    { name, group: gr.group, kind: gr.resource });

export const notFound = (gr: GroupResource, name: string): StatusError =>
  failure(404, 'NotFound', name ? `${grString(gr)} "${name}" not found` : `${grString(gr)} not found`,
    { name, group: gr.group, kind: gr.resource });

/** 404 for a path that names no resource at all (what kube-apiserver answers for /apis/nope). */
export const pathNotFound = (message = 'the server could not find the requested resource'): StatusError =>
  failure(404, 'NotFound', message, {});

export const alreadyExists = (gr: GroupResource, name: string): StatusError =>
  failure(409, 'AlreadyExists', `${grString(gr)} "${name}" already exists`, { name, group: gr.group, kind: gr.resource });

export const conflict = (gr: GroupResource, name: string, why: string): StatusError =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${grString(gr)} "${name}": ${why}`,
    { name, group: gr.group, kind: gr.resource });

export const staleConflict = (gr: GroupResource, name: string): StatusError =>
  conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again');

export const gone = (message: string): StatusError => failure(410, 'Expired', message);

export const methodNotAllowed = (message: string): StatusError => failure(405, 'MethodNotAllowed', message);

export const notAcceptable = (message: string): StatusError => failure(406, 'NotAcceptable', message);

export const tooLarge = (message = 'Request entity too large: limit is 3145728'): StatusError =>
  failure(413, 'RequestEntityTooLarge', message);

export const unsupportedMediaType = (contentType: string): StatusError =>
  failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got "${contentType}"`);

export const tooManyRequests = (message: string, retryAfterSeconds = 1): StatusError =>
  failure(429, 'TooManyRequests', message, { retryAfterSeconds });

export const internalError = (err: unknown): StatusError =>
  failure(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
    { causes: [{ message: err instanceof Error ? err.message : String(err) }] });

export const serviceUnavailable = (message: string): StatusError => failure(503, 'ServiceUnavailable', message);

// ---- field errors (k8s.io/apimachinery/pkg/util/validation/field) ----

export type FieldErrorType =
  | 'FieldValueNotFound' | 'FieldValueRequired' | 'FieldValueDuplicate' | 'FieldValueInvalid'
  | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTooMany'
  | 'InternalError' | 'FieldValueTypeInvalid';

export interface FieldError { type: FieldErrorType; field: string; message: string }


function showValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}

/** Builders for field errors; `path` is a dotted JSON path such as `spec.template.spec.containers[0].image`. */
export const field = {
  required: (path: string, detail = ''): FieldError =>
    ({ type: 'FieldValueRequired', field: path, message: detail ? `Required value: ${detail}` : 'Required value' }),
  invalid: (path: string, value: unknown, detail: string): FieldError =>
    ({ type: 'FieldValueInvalid', field: path, message: `Invalid value: ${showValue(value)}${detail ? `: ${detail}` : ''}` }),
  notSupported: (path: string, value: unknown, valid: readonly string[]): FieldError =>
    ({ type: 'FieldValueNotSupported', field: path,
       message: `Unsupported value: ${showValue(value)}${valid.length ? `: supported values: ${valid.map((v) => `"${v}"`).join(', ')}` : ''}` }),
  duplicate: (path: string, value: unknown): FieldError =>
    ({ type: 'FieldValueDuplicate', field: path, message: `Duplicate value: ${showValue(value)}` }),
  forbidden: (path: string, detail: string): FieldError =>
    ({ type: 'FieldValueForbidden', field: path, message: `Forbidden: ${detail}` }),
  tooLong: (path: string, max: number): FieldError =>
    ({ type: 'FieldValueTooLong', field: path, message: `Too long: may not be more than ${max} bytes` }),
  tooMany: (path: string, actual: number, max: number): FieldError =>
    ({ type: 'FieldValueTooMany', field: path, message: `Too many: ${actual}: must have at most ${max} items` }),
  typeInvalid: (path: string, value: unknown, detail: string): FieldError =>
    ({ type: 'FieldValueTypeInvalid', field: path, message: `Invalid value: ${showValue(value)}: ${detail}` }),
  notFound: (path: string, value: unknown): FieldError =>
    ({ type: 'FieldValueNotFound', field: path, message: `Not found: ${showValue(value)}` }),
};

export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${e.message}`;
}

/** 422 Invalid, the message kubectl prints: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: ...`. */
export function invalid(kind: string, group: string, name: string, errs: readonly FieldError[]): StatusError {
  const qualified = group ? `${kind}.${group}` : kind;
  const list = errs.map(fieldErrorText);
  const message = `${qualified} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
  return failure(422, 'Invalid', message, {
    name, group, kind,
    causes: errs.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
  });
}

export function isStatusError(e: unknown, reason?: StatusReason): e is StatusError {
  return e instanceof StatusError && (reason === undefined || e.reason === reason);
}
