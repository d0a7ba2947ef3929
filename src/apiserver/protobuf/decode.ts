// Decoding of Kubernetes protobuf request bodies into the JSON the same request would carry.
// A body is the "k8s\0" magic then a runtime.Unknown envelope {typeMeta, raw, contentEncoding,
// contentType} whose raw is the object's own message
// (k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go). The object message is walked
// field by field against ./schema.ts and turned into what Go's encoding/json makes of the same Go
// struct: omitempty scalars left out when zero, pointers kept when set, metav1.Time as RFC 3339,
// IntOrString as number or string, Quantity as its string, []byte as base64.
// Unknown field numbers are refused by name rather than dropped: a dropped field would be a silent
// change to what the user asked for.
import protobuf from 'protobufjs';
import type { Field, Reader, Type } from 'protobufjs';
import { badRequest, StatusError } from '../../machinery/errors.js';
import { kubeProtobufSchema } from './schema.js';

/** The media type of Kubernetes protobuf bodies. */
export const KUBE_PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"
const MAX_DEPTH = 100;
/** time.Time{}.Unix(): Go's zero time, which metav1.Time encodes as null. */
const GO_ZERO_UNIX = -62135596800;

const META = '.k8s.io.apimachinery.pkg.apis.meta.v1.';
const TIME = `${META}Time`;
const MICRO_TIME = `${META}MicroTime`;
const FIELDS_V1 = `${META}FieldsV1`;
const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = '.k8s.io.apimachinery.pkg.runtime.RawExtension';

export interface DecodedKubeObject {
  apiVersion: string;
  kind: string;
  /** The object as Kubernetes JSON, with apiVersion and kind set. */
  object: Record<string, unknown>;
}

/** What one message's fields held on the wire, before JSON rules apply. Scalars are raw
 *  (bytes as Uint8Array); nested messages are already JSON. */
type RawFields = Map<Field, unknown>;

/** Decodes a protobuf request body. Throws badRequest for a malformed body, an unknown
 *  apiVersion/kind, or a field number the schema does not know. */
export function decodeKubeProtobuf(body: Buffer): DecodedKubeObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf body does not begin with the "k8s\\x00" prefix of a Kubernetes protobuf message');
  }
  const schema = kubeProtobufSchema();
  const envelope = fieldsByName(readRaw(body.subarray(MAGIC.length), schema.envelope));
  const typeMeta = envelope.get('typeMeta');
  const apiVersion = isRecord(typeMeta) && typeof typeMeta['apiVersion'] === 'string' ? typeMeta['apiVersion'] : '';
  const kind = isRecord(typeMeta) && typeof typeMeta['kind'] === 'string' ? typeMeta['kind'] : '';
  const contentEncoding = envelope.get('contentEncoding');
  if (typeof contentEncoding === 'string' && contentEncoding !== '') {
    throw badRequest(`protobuf body has unsupported contentEncoding "${contentEncoding}"`);
  }
  const contentType = envelope.get('contentType');
  if (typeof contentType === 'string' && contentType !== '' && contentType !== KUBE_PROTOBUF_MEDIA_TYPE) {
    throw badRequest(`protobuf body has unsupported contentType "${contentType}"`);
  }
  if (kind === '') throw badRequest('Object \'Kind\' is missing in the protobuf body');
  const type = schema.messageFor(apiVersion, kind);
  if (!type) {
    throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}" in protobuf request bodies; send it as JSON`);
  }
  const raw = envelope.get('raw');
  const json = messageJson(type, readRaw(raw instanceof Uint8Array ? raw : new Uint8Array(0), type));
  return { apiVersion, kind, object: { kind, apiVersion, ...(isRecord(json) ? json : {}) } };
}

function readRaw(bytes: Uint8Array, type: Type): RawFields {
  try {
    const reader = protobuf.Reader.create(bytes);
    return readFields(reader, bytes.length, type, 0);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    throw badRequest(`malformed protobuf body in ${typeName(type)}: ${(e as Error).message}`);
  }
}

function readFields(reader: Reader, end: number, type: Type, depth: number): RawFields {
  if (depth > MAX_DEPTH) throw badRequest(`protobuf body nests messages deeper than ${MAX_DEPTH}`);
  const out: RawFields = new Map();
  while (reader.pos < end) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wireType = tag & 7;
    const field = type.fieldsById[id];
    if (!field) throw badRequest(`protobuf body: unknown field number ${id} in message ${typeName(type)}`);
    if (field.map) {
      expectWire(field, type, wireType, 2);
      const entries = (out.get(field) as Record<string, unknown> | undefined) ?? {};
      const [key, value] = readMapEntry(reader, field, type, depth);
      entries[key] = value;
      out.set(field, entries);
    } else if (field.repeated) {
      const list = (out.get(field) as unknown[] | undefined) ?? [];
      if (wireType === 2 && !field.resolvedType && field.type !== 'string' && field.type !== 'bytes') {
        const packedEnd = boundedEnd(reader, end);
        while (reader.pos < packedEnd) list.push(readScalar(reader, field.type));
        if (reader.pos !== packedEnd) throw badRequest(`protobuf body: packed field ${field.name} of ${typeName(type)} overruns its length`);
      } else {
        list.push(readValue(reader, field, type, wireType, depth, end));
      }
      out.set(field, list);
    } else {
      // Last one wins for a repeated occurrence of a singular field, as in proto2.
      out.set(field, readValue(reader, field, type, wireType, depth, end));
    }
  }
  if (reader.pos !== end) throw badRequest(`protobuf body: message ${typeName(type)} overruns its length`);
  return out;
}

function readValue(reader: Reader, field: Field, parent: Type, wireType: number, depth: number, end: number): unknown {
  const message = field.resolvedType;
  if (message instanceof protobuf.Type) {
    expectWire(field, parent, wireType, 2);
    const subEnd = boundedEnd(reader, end);
    return messageJson(message, readFields(reader, subEnd, message, depth + 1));
  }
  expectWire(field, parent, wireType, field.type === 'string' || field.type === 'bytes' ? 2 : 0);
  return readScalar(reader, field.type);
}

function readMapEntry(reader: Reader, field: Field, parent: Type, depth: number): [string, unknown] {
  const end = boundedEnd(reader, reader.len);
  let key = '';
  let value: unknown;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 0x0a) key = reader.string();
    else if (tag >>> 3 === 2) value = readValue(reader, field, parent, tag & 7, depth, end);
    else throw badRequest(`protobuf body: unknown field number ${tag >>> 3} in a map entry of ${typeName(parent)}.${field.name}`);
  }
  if (reader.pos !== end) throw badRequest(`protobuf body: a map entry of ${typeName(parent)}.${field.name} overruns its length`);
  if (value === undefined) value = field.resolvedType instanceof protobuf.Type ? messageJson(field.resolvedType, new Map()) : zeroOf(field.type);
  return [key, value];
}

/** Reads a length prefix and returns where that payload ends, refusing one past `limit`. */
function boundedEnd(reader: Reader, limit: number): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > limit) throw badRequest('protobuf body is truncated: a length runs past the end of its message');
  return end;
}

function readScalar(reader: Reader, type: string): unknown {
  switch (type) {
    case 'string': return reader.string();
    case 'bytes': return reader.bytes();
    case 'bool': return reader.bool();
    case 'int32': return reader.int32();
    case 'int64': {
      const v: unknown = reader.int64();
      return typeof v === 'number' ? v : Number(String(v));
    }
    default: throw new Error(`protobuf schema: unsupported scalar type ${type}`);
  }
}

function expectWire(field: Field, parent: Type, got: number, want: number): void {
  if (got !== want) {
    throw badRequest(`protobuf body: field ${field.name} (${field.id}) of ${typeName(parent)} has wire type ${got}, expected ${want}`);
  }
}

/** Go encoding/json applied to one decoded message (see the header comment and ./proto/meta.ts). */
function messageJson(type: Type, raw: RawFields): unknown {
  switch (type.fullName) {
    case TIME: return timeJson(raw, false);
    case MICRO_TIME: return timeJson(raw, true);
    case INT_OR_STRING: return intOrStringJson(raw);
    case QUANTITY: return fieldsByName(raw).get('string') ?? '0';
    case FIELDS_V1: return rawJson(fieldsByName(raw).get('Raw'), type);
    case RAW_EXTENSION: return rawJson(fieldsByName(raw).get('raw'), type);
    default: break;
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const has = raw.has(field);
    const value = raw.get(field);
    const ptr = field.options?.['(ptr)'] === true;
    const keep = field.options?.['(keep)'] === true;
    if (field.options?.['(inline)'] === true) {
      if (isRecord(value)) Object.assign(out, value);
      continue;
    }
    if (has && field.map) out[field.name] = mapValues(value as Record<string, unknown>, field.type);
    else if (has && field.repeated) {
      const list = (value as unknown[]).map((v) => scalarJson(v));
      if (list.length > 0) out[field.name] = list;
      else if (keep) out[field.name] = null;
    } else if (has && field.resolvedType) out[field.name] = value;
    else if (has) {
      if (ptr || keep || !isZero(value)) out[field.name] = scalarJson(value);
    } else if (keep) {
      // A nil pointer, slice or map without omitempty is null; a value field its zero.
      out[field.name] = ptr || field.repeated || field.map || field.resolvedType || field.type === 'bytes' ? null : zeroOf(field.type);
    }
  }
  return out;
}

function mapValues(entries: Record<string, unknown>, valueType: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) out[k] = valueType === 'bytes' ? scalarJson(v) : v;
  return out;
}

function scalarJson(v: unknown): unknown {
  return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v;
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || (v instanceof Uint8Array && v.length === 0);
}

function zeroOf(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return '';
  return 0;
}

/** metav1.Time marshals as RFC 3339 in UTC with whole seconds, MicroTime with microseconds;
 *  the zero time (sent as an empty message) as null. */
function timeJson(raw: RawFields, micro: boolean): string | null {
  const f = fieldsByName(raw);
  const seconds = typeof f.get('seconds') === 'number' ? (f.get('seconds') as number) : 0;
  const nanos = typeof f.get('nanos') === 'number' ? (f.get('nanos') as number) : 0;
  if ((seconds === 0 && nanos === 0) || (seconds === GO_ZERO_UNIX && nanos === 0)) return null;
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 0 || year > 9999 || nanos < 0 || nanos > 999_999_999) {
    throw badRequest(`protobuf body: time ${seconds}s ${nanos}ns is outside the RFC 3339 range`);
  }
  const base = date.toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

function intOrStringJson(raw: RawFields): number | string {
  const f = fieldsByName(raw);
  const kind = f.get('type') ?? 0;
  if (kind === 0) return (f.get('intVal') as number | undefined) ?? 0;
  if (kind === 1) return (f.get('strVal') as string | undefined) ?? '';
  throw badRequest(`protobuf body: IntOrString has impossible type ${String(kind)}`);
}

function rawJson(bytes: unknown, type: Type): unknown {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch (e) {
    throw badRequest(`protobuf body: ${typeName(type)} does not hold JSON: ${(e as Error).message}`);
  }
}

function fieldsByName(raw: RawFields): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [field, value] of raw) out.set(field.name, value);
  return out;
}

function typeName(type: Type): string {
  return type.fullName.replace(/^\./, '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
