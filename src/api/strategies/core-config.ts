// ConfigMap and Secret: key names, size limit, the `immutable` flag and the typed Secrets' required
// keys (pkg/apis/core/validation ValidateConfigMap, ValidateSecret and their updates; the v1 Secret
// conversion that folds stringData into data).
import type { KindStrategy } from '../types.js';
import type { FieldError } from '../../machinery/errors.js';
import { field } from '../../machinery/errors.js';
import type { KubeObject } from '../../machinery/object.js';
import type { Obj } from './common.js';
import { child, defineStrategy, immutable, rec, setDefault, str } from './common.js';

/** MaxSecretSize, also the ConfigMap limit: 1 MiB of data. */
export const MAX_CONFIG_SIZE = 1024 * 1024;

/** IsConfigMapKey (k8s.io/apimachinery/pkg/util/validation). */
export function configKeyErrors(key: string): string[] {
  const out: string[] = [];
  if (key.length > 253) out.push('must be no more than 253 characters');
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
    out.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }
  if (key === '.') out.push("must not be '.'");
  else if (key === '..') out.push("must not be '..'");
  else if (key.startsWith('..')) out.push("must not start with '..'");
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Keys valid, values strings (base64 where `base64`), and the decoded byte count. */
function dataErrors(v: unknown, path: string, base64: boolean): { errs: FieldError[]; size: number } {
  const errs: FieldError[] = [];
  let size = 0;
  const o = rec(v);
  if (v !== undefined && v !== null && !o) return { errs: [field.invalid(path, v, 'must be a map of string to string')], size };
  for (const [key, val] of Object.entries(o ?? {})) {
    const p = `${path}[${key}]`;
    for (const m of configKeyErrors(key)) errs.push(field.invalid(p, key, m));
    if (typeof val !== 'string') {
      errs.push(field.invalid(p, val, 'must be a string'));
    } else if (base64) {
      if (!BASE64.test(val)) errs.push(field.invalid(p, '<value omitted>', 'illegal base64 data'));
      else size += Buffer.from(val, 'base64').length;
    } else size += Buffer.byteLength(val);
  }
  return { errs, size };
}

/** With `immutable: true` stored, data and the flag itself are frozen. */
function immutableFlagErrors(obj: KubeObject, old: KubeObject, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(field.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (immutable(obj[f] ?? {}, old[f] ?? {}, f).length) errs.push(field.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

function validateConfigMap(cm: KubeObject): FieldError[] {
  const data = dataErrors(cm.data, 'data', false);
  const binary = dataErrors(cm.binaryData, 'binaryData', true);
  const errs = [...data.errs, ...binary.errs];
  const binaryKeys = new Set(Object.keys(rec(cm.binaryData) ?? {}));
  for (const key of Object.keys(rec(cm.data) ?? {})) {
    if (binaryKeys.has(key)) errs.push(field.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
  }
  if (data.size + binary.size > MAX_CONFIG_SIZE) errs.push(field.tooLong('data', MAX_CONFIG_SIZE));
  return errs;
}

export const configMapStrategy: KindStrategy = defineStrategy({
  validate: validateConfigMap,
  validateUpdate: (cm, old) => immutableFlagErrors(cm, old, ['data', 'binaryData']),
});

/** Keys each built-in Secret type must carry (pkg/apis/core/types.go Secret types). */
function typedSecretErrors(secret: KubeObject, data: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const need = (key: string): void => { if (data[key] === undefined) errs.push(field.required(`data[${key}]`, '')); };
  const decodedJson = (key: string): void => {
    const v = str(data[key]);
    if (v === undefined) return;
    try { JSON.parse(Buffer.from(v, 'base64').toString('utf8')); } catch (e) {
      errs.push(field.invalid(`data[${key}]`, '<secret contents redacted>', e instanceof Error ? e.message : String(e)));
    }
  };
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!str(rec(rec(secret.metadata)?.annotations)?.['kubernetes.io/service-account.name'])) {
        errs.push(field.required('metadata.annotations[kubernetes.io/service-account.name]', ''));
      }
      break;
    case 'kubernetes.io/dockercfg': need('.dockercfg'); decodedJson('.dockercfg'); break;
    case 'kubernetes.io/dockerconfigjson': need('.dockerconfigjson'); decodedJson('.dockerconfigjson'); break;
    case 'kubernetes.io/basic-auth':
      if (data.username === undefined && data.password === undefined) {
        errs.push(field.required('data[username]', ''), field.required('data[password]', ''));
      }
      break;
    case 'kubernetes.io/ssh-auth': need('ssh-privatekey'); break;
    case 'kubernetes.io/tls': need('tls.crt'); need('tls.key'); break;
    default: break;
  }
  return errs;
}

function validateSecret(secret: KubeObject): FieldError[] {
  const { errs, size } = dataErrors(secret.data, 'data', true);
  if (size > MAX_CONFIG_SIZE) errs.push(field.tooLong('data', MAX_CONFIG_SIZE));
  if (secret.type !== undefined && typeof secret.type !== 'string') errs.push(field.invalid('type', secret.type, 'must be a string'));
  errs.push(...typedSecretErrors(secret, rec(secret.data) ?? {}));
  return errs;
}

/** The v1 conversion writes stringData over data (base64-encoded) and drops stringData; type defaults to Opaque. */
export function defaultSecret(secret: KubeObject): void {
  const stringData = rec(secret.stringData);
  if (stringData) {
    const data = child(secret, 'data');
    for (const [k, v] of Object.entries(stringData)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  delete secret.stringData;
  setDefault(secret, 'type', 'Opaque');
  if (secret.type === '') secret.type = 'Opaque';
}

export const secretStrategy: KindStrategy = defineStrategy({
  default: defaultSecret,
  validate: validateSecret,
  validateUpdate: (secret, old) => [
    ...immutable(secret.type, old.type, 'type'),
    ...immutableFlagErrors(secret, old, ['data']),
  ],
});
