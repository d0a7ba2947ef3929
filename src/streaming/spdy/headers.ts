// SPDY/3 header blocks (section 2.6.10): a 32-bit count of name/value pairs, each name and value
// prefixed with its 32-bit length; names are lower case, several values of one name are joined by
// NUL. Each direction of a session compresses its blocks as one continuous zlib stream with the
// SPDY/3 dictionary, flushed at the end of every block.
import { inflateSync, constants as zconst } from 'node:zlib';
import { SPDY3_HEADER_DICTIONARY } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

/** Header names (lower case) to their values. */
export type SpdyHeaders = Map<string, string[]>;

export function headersOf(obj: Readonly<Record<string, string | readonly string[]>>): SpdyHeaders {
  const out: SpdyHeaders = new Map();
  for (const [k, v] of Object.entries(obj)) out.set(k.toLowerCase(), typeof v === 'string' ? [v] : [...v]);
  return out;
}

/** The first value of a header, by any case of its name. */
export function headerValue(h: SpdyHeaders, name: string): string | undefined {
  return h.get(name.toLowerCase())?.[0];
}

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [u32(headers.size)];
  for (const [name, values] of headers) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(raw: Buffer): SpdyHeaders {
  let at = 0;
  const take = (n: number): Buffer => {
    if (at + n > raw.length) throw new SpdyProtocolError('truncated header block');
    const b = raw.subarray(at, at + n);
    at += n;
    return b;
  };
  const count = take(4).readUInt32BE(0);
  const out: SpdyHeaders = new Map();
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8');
    const value = take(take(4).readUInt32BE(0)).toString('utf8');
    if (name === '' || name !== name.toLowerCase()) throw new SpdyProtocolError(`invalid header name ${JSON.stringify(name)}`);
    if (out.has(name)) throw new SpdyProtocolError(`duplicate header ${name}`);
    out.set(name, value.split('\0'));
  }
  if (at !== raw.length) throw new SpdyProtocolError('trailing bytes after header block');
  return out;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/** Adler-32 (RFC 1950), the checksum zlib uses to name a preset dictionary. */
export function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + (data[i] as number)) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const STORED_MAX = 0xffff;
const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/**
 * The sending half: a zlib stream (RFC 1950) declaring the SPDY dictionary, whose deflate blocks
 * (RFC 1951) are "stored" — uncompressed. Any zlib reader accepts them, each header block ends
 * flushed on a block boundary, and compression is not worth its state for the handful of small
 * blocks a session sends.
 */
export class HeaderCompressor {
  #started = false;

  compress(raw: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.#started) {
      this.#started = true;
      // CMF 0x78: deflate, 32 KiB window. FLG 0xf9: FDICT set, level 3, check bits (0x78f9 % 31 == 0).
      const zhead = Buffer.from([0x78, 0xf9, 0, 0, 0, 0]);
      zhead.writeUInt32BE(adler32(SPDY3_HEADER_DICTIONARY), 2);
      parts.push(zhead);
    }
    for (let at = 0; at < raw.length; at += STORED_MAX) {
      const piece = raw.subarray(at, at + STORED_MAX);
      const h = Buffer.alloc(5);
      h[0] = 0; // BFINAL 0, BTYPE 00 (stored); the stream stays open for the next block
      h.writeUInt16LE(piece.length, 1);
      h.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(h, piece);
    }
    // An empty stored block ends every header block, as zlib's Z_SYNC_FLUSH does. Go's inflater
    // (the peers' framer) hands out a stored block's bytes only once it has read the header of the
    // block after it; without this marker it would read past the frame and fail for good.
    parts.push(SYNC_MARKER);
    return Buffer.concat(parts);
  }
}

/** Upper bound of compressed header bytes one session may receive (see HeaderDecompressor). */
const MAX_COMPRESSED_HEADER_BYTES = 1 << 20;

/**
 * The receiving half. Node's zlib has no synchronous streaming inflate, so every call inflates
 * the whole compressed history again (with a sync flush, as for a truncated stream) and returns
 * the new tail. Header blocks are few and small on the sessions k8ts reads (one reply per stream
 * it opens), so the history stays tiny; a peer that sends more than 1 MiB of them is refused.
 */
export class HeaderDecompressor {
  #history: Buffer = Buffer.alloc(0);
  #produced = 0;

  decompress(chunk: Buffer): Buffer {
    this.#history = Buffer.concat([this.#history, chunk]);
    if (this.#history.length > MAX_COMPRESSED_HEADER_BYTES) throw new SpdyProtocolError('too many header bytes on one session');
    let out: Buffer;
    try {
      out = inflateSync(this.#history, { dictionary: SPDY3_HEADER_DICTIONARY, finishFlush: zconst.Z_SYNC_FLUSH });
    } catch (e) {
      throw new SpdyProtocolError(`header block does not decompress: ${e instanceof Error ? e.message : String(e)}`);
    }
    const fresh = out.subarray(this.#produced);
    this.#produced = out.length;
    return fresh;
  }
}
