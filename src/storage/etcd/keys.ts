// Store keys are strings under an optional key prefix; etcd keys are bytes ordered bytewise, which
// is also the order of the UTF-8 strings, so list order matches the SQLite store's.
import type { KeyValue } from '../types.js';
import type { PbKeyValue } from './proto.js';

/** "Every key from here on", as etcd spells an open range end. */
const TO_END = Buffer.from([0]);

/** The end of the range holding every key that starts with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const b = prefix[i] ?? 0xff;
    if (b < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i] = b + 1;
      return end;
    }
  }
  return TO_END;
}

export class KeySpace {
  private readonly prefix: Buffer;

  constructor(prefix: string) {
    this.prefix = Buffer.from(prefix, 'utf8');
  }

  key(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key, 'utf8')]);
  }

  /** [start, end) of the store keys starting with `prefix`. */
  range(prefix: string): { key: Buffer; range_end: Buffer } {
    const start = this.key(prefix);
    // An empty etcd key is not allowed; "\0" is the smallest one.
    return { key: start.length === 0 ? TO_END : start, range_end: prefixEnd(start) };
  }

  /** Like range(prefix) but starting strictly after `after`; undefined when nothing can be left. */
  rangeAfter(prefix: string, after: string | undefined): { key: Buffer; range_end: Buffer } | undefined {
    const r = this.range(prefix);
    if (after === undefined) return r;
    const next = Buffer.concat([this.key(after), TO_END]);
    if (Buffer.compare(next, r.key) <= 0) return r;
    // etcd reads a start at or past the end as something other than "empty".
    if (!r.range_end.equals(TO_END) && Buffer.compare(next, r.range_end) >= 0) return undefined;
    return { key: next, range_end: r.range_end };
  }

  storeKey(key: Buffer): string {
    return key.subarray(this.prefix.length).toString('utf8');
  }

  keyValue(kv: PbKeyValue): KeyValue {
    return { key: this.storeKey(kv.key), value: kv.value, createRevision: kv.create_revision, modRevision: kv.mod_revision };
  }
}
