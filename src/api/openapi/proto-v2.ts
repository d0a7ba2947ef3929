// /openapi/v2 as protobuf (application/com.github.proto-openapi.spec.v2@v1.0+protobuf), the form
// kubectl 1.27 and 1.28 ask for before `apply`: the gnostic openapi_v2.Document message, encoded
// here by field number from the published OpenAPIv2.proto (github.com/google/gnostic). Clients read
// the definitions (schemas, with their x-kubernetes-* extensions); paths are left out, as no client
// of the protobuf form reads them. Extension, default, enum and example values travel as YAML text,
// and JSON is YAML.
import protobuf from 'protobufjs';
import type { OpenAPISchema } from './types.js';

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Writer = protobuf.Writer;
const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;

const tag = (w: Writer, field: number, wire: number): Writer => w.uint32((field << 3) | wire);
const str = (w: Writer, field: number, v: string): void => { tag(w, field, LEN).string(v); };
const bool = (w: Writer, field: number, v: boolean): void => { if (v) tag(w, field, VARINT).bool(true); };
const int64 = (w: Writer, field: number, v: number): void => { tag(w, field, VARINT).int64(v); };
const double = (w: Writer, field: number, v: number): void => { tag(w, field, FIXED64).double(v); };
const msg = (w: Writer, field: number, body: (w: Writer) => void): void => { body(tag(w, field, LEN).fork()); w.ldelim(); };

/** openapi_v2.Any: the value as YAML (field 2). */
const any = (w: Writer, field: number, value: unknown): void => msg(w, field, (m) => str(m, 2, JSON.stringify(value)));

/** NamedAny entries (name 1, value 2) for every x- key of `obj`. */
function extensions(w: Writer, field: number, obj: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    if (k.startsWith('x-')) msg(w, field, (m) => { str(m, 1, k); any(m, 2, v); });
  }
}

const NUMBER_FIELDS: ReadonlyArray<[keyof OpenAPISchema | string, number, 'double' | 'int64' | 'bool']> = [
  ['multipleOf', 6, 'double'], ['maximum', 7, 'double'], ['exclusiveMaximum', 8, 'bool'], ['minimum', 9, 'double'],
  ['exclusiveMinimum', 10, 'bool'], ['maxLength', 11, 'int64'], ['minLength', 12, 'int64'], ['maxItems', 14, 'int64'],
  ['minItems', 15, 'int64'], ['uniqueItems', 16, 'bool'], ['maxProperties', 17, 'int64'], ['minProperties', 18, 'int64'],
];

/** openapi_v2.Schema. */
function schema(w: Writer, s: Record<string, unknown>): void {
  if (typeof s.$ref === 'string') str(w, 1, s.$ref);
  if (typeof s.format === 'string') str(w, 2, s.format);
  if (typeof s.title === 'string') str(w, 3, s.title);
  if (typeof s.description === 'string') str(w, 4, s.description);
  if (s.default !== undefined) any(w, 5, s.default);
  for (const [key, field, kind] of NUMBER_FIELDS) {
    const v = s[key];
    if (kind === 'bool' && typeof v === 'boolean') bool(w, field, v);
    else if (kind === 'double' && typeof v === 'number') double(w, field, v);
    else if (kind === 'int64' && typeof v === 'number') int64(w, field, v);
  }
  if (typeof s.pattern === 'string') str(w, 13, s.pattern);
  if (Array.isArray(s.required)) for (const r of s.required) if (typeof r === 'string') str(w, 19, r);
  if (Array.isArray(s.enum)) for (const e of s.enum) any(w, 20, e);
  const ap = s.additionalProperties;
  if (typeof ap === 'boolean') msg(w, 21, (m) => { tag(m, 2, VARINT).bool(ap); });
  else if (isObject(ap)) msg(w, 21, (m) => msg(m, 1, (x) => schema(x, ap)));
  const type = s.type;
  if (typeof type === 'string' || Array.isArray(type)) msg(w, 22, (m) => { for (const t of [type].flat()) if (typeof t === 'string') str(m, 1, t); });
  const items = s.items;
  if (isObject(items) || Array.isArray(items)) {
    msg(w, 23, (m) => { for (const it of [items].flat()) if (isObject(it)) msg(m, 1, (x) => schema(x, it)); });
  }
  if (Array.isArray(s.allOf)) for (const a of s.allOf) if (isObject(a)) msg(w, 24, (m) => schema(m, a));
  const props = s.properties;
  if (isObject(props)) {
    msg(w, 25, (m) => {
      for (const [name, p] of Object.entries(props)) if (isObject(p)) msg(m, 1, (x) => { str(x, 1, name); msg(x, 2, (y) => schema(y, p)); });
    });
  }
  if (typeof s.discriminator === 'string') str(w, 26, s.discriminator);
  if (typeof s.readOnly === 'boolean') bool(w, 27, s.readOnly);
  if (s.example !== undefined) any(w, 30, s.example);
  extensions(w, 31, s);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The Document message of a swagger 2.0 document: swagger, info and definitions. */
export function encodeOpenApiV2(doc: { swagger?: unknown; info?: unknown; definitions?: unknown }): Buffer {
  const w = protobuf.Writer.create();
  if (typeof doc.swagger === 'string') str(w, 1, doc.swagger);
  const info = doc.info;
  if (isObject(info)) {
    msg(w, 2, (m) => {
      if (typeof info.title === 'string') str(m, 1, info.title);
      if (typeof info.version === 'string') str(m, 2, info.version);
      if (typeof info.description === 'string') str(m, 3, info.description);
    });
  }
  const defs = doc.definitions;
  if (isObject(defs)) {
    msg(w, 9, (m) => {
      for (const [name, s] of Object.entries(defs)) if (isObject(s)) msg(m, 1, (x) => { str(x, 1, name); msg(x, 2, (y) => schema(y, s)); });
    });
  }
  return Buffer.from(w.finish());
}
