// String formats checked in custom resources. kube-apiserver only enforces a fixed set of
// formats (apiextensions-apiserver pkg/apiserver/validation/formats.go supportedFormats, checked
// by kube-openapi strfmt); any other format, and the numeric ones (int32, int64, float, double),
// are documentation only. The checks follow the strfmt parsers closely enough for the values
// users write; exotic forms strfmt accepts (e.g. ISBN checksums) are not checked.
import { isIP, isIPv4, isIPv6 } from 'node:net';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// strfmt.ParseDateTime accepts RFC 3339 with or without fraction, a zone with or without colon,
// and ISO 8601 local times without a zone.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID_VERSION = /^[0-9a-f]{8}-?[0-9a-f]{4}-?([345])[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const MAC = /^(?:[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5,19}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2,9})$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+$/;
const DURATION = /^(?:\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|m|h|d|w|sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|day|days|wk|wks|week|weeks)\s*)+$/;
const HEX_COLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const RGB_COLOR = /^rgb\(\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*\)$/;
const BSON_OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;

function validDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && validDate(m[1] ?? '', m[2] ?? '', m[3] ?? '');
}

function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m || !validDate(m[1] ?? '', m[2] ?? '', m[3] ?? '')) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? '0') < 61;
}

function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 255) return false;
  const host = s.endsWith('.') ? s.slice(0, -1) : s;
  return host.split('.').every((label) => HOST_LABEL.test(label));
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(ip);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

const CHECKS: Record<string, (s: string) => boolean> = {
  'bsonobjectid': (s) => BSON_OBJECT_ID.test(s),
  'byte': (s) => BASE64.test(s),
  'cidr': isCIDR,
  'date': isDate,
  'date-time': isDateTime,
  'datetime': isDateTime,
  'duration': (s) => DURATION.test(s.trim()),
  'email': (s) => EMAIL.test(s),
  'hexcolor': (s) => HEX_COLOR.test(s),
  'hostname': isHostname,
  'ipv4': (s) => isIPv4(s),
  'ipv6': (s) => isIPv6(s),
  'mac': (s) => MAC.test(s),
  'rgbcolor': (s) => RGB_COLOR.test(s),
  'ssn': (s) => SSN.test(s),
  'uuid': (s) => UUID.test(s),
  'uuid3': (s) => UUID_VERSION.exec(s)?.[1] === '3',
  'uuid4': (s) => UUID_VERSION.exec(s)?.[1] === '4',
  'uuid5': (s) => UUID_VERSION.exec(s)?.[1] === '5',
};

/** False only when `format` is one kube enforces and `value` does not match it. */
export function matchesFormat(format: string, value: string): boolean {
  const check = CHECKS[format];
  return check === undefined || check(value);
}
