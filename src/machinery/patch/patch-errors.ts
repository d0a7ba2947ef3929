// The Status errors kube-apiserver answers when a patch cannot be applied
// (k8s.io/apiserver/pkg/endpoints/handlers/patch.go), and Go's %v rendering of decoded JSON that
// strategicpatch puts in its messages (`map[image:x]`, `[a b]`, `<nil>`).
import { StatusError } from '../errors.js';

/**
 * 422 Invalid with the generic message of errors.NewGenericServerResponse: what kube answers for
 * a JSON patch whose `test` fails or whose path is missing, and for a few strategic merge errors.
 * kubectl prints it as "The request is invalid: the server rejected our request due to an error in our request".
 */
export function patchNotApplied(): StatusError {
  return new StatusError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid', details: {}, code: 422,
  });
}

/**
 * A plain Go error that kube's handler did not map to a Status: it reaches the client as
 * 500 with an empty reason and the raw message (kubectl: "Error from server: <message>").
 */
export function rawServerError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

/** Go's fmt %v of a value decoded from JSON into interface{}. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goFormat(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

/** The Go type name reflect prints for a value decoded from JSON (ErrBadArgType messages). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}
