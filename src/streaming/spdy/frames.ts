// SPDY/3.1 frames on the wire (SPDY draft 3.1, section 2.2): encoding and an incremental parser.
// Header blocks stay opaque here (compressed bytes); headers.ts compresses and parses them,
// because their zlib state belongs to the session.
//
//   control frame: |1| version(15)=3 | type(16) | flags(8) | length(24) | payload
//   data frame:    |0| stream-id(31)            | flags(8) | length(24) | payload

export const SPDY_VERSION = 3;
/** Largest payload a frame can carry (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xff_ffff;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const FLAG_SETTINGS_CLEAR = 0x01;

export const FrameType = {
  SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9,
} as const;

/** RST_STREAM status codes (section 2.4.2). */
export const RstStatus = {
  ProtocolError: 1, InvalidStream: 2, RefusedStream: 3, UnsupportedVersion: 4, Cancel: 5, InternalError: 6,
  FlowControlError: 7, StreamInUse: 8, StreamAlreadyClosed: 9, FrameTooLarge: 11,
} as const;

/** GOAWAY status codes (section 2.6.6). */
export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

export interface SettingsEntry { flags: number; id: number; value: number }

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedTo: number; priority: number; slot: number; flags: number; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: SettingsEntry[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

/** A frame that breaks the protocol: the session answers with GOAWAY(PROTOCOL_ERROR). */
export class SpdyProtocolError extends Error {
  override name = 'SpdyProtocolError';
}

const ID_MASK = 0x7fff_ffff;

function header(control: boolean, typeOrStream: number, flags: number, length: number): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError(`SPDY frame payload of ${length} bytes exceeds ${MAX_FRAME_PAYLOAD}`);
  const h = Buffer.alloc(8);
  if (control) {
    h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
    h.writeUInt16BE(typeOrStream, 2);
  } else {
    h.writeUInt32BE(typeOrStream & ID_MASK, 0);
  }
  h.writeUInt32BE(((flags & 0xff) << 24 | length) >>> 0, 4);
  return h;
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** Serialises one frame. */
export function encodeFrame(f: Frame): Buffer {
  switch (f.type) {
    case 'data':
      return Buffer.concat([header(false, f.streamId, f.flags, f.data.length), f.data]);
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(f.streamId & ID_MASK, 0);
      fixed.writeUInt32BE(f.associatedTo & ID_MASK, 4);
      fixed[8] = (f.priority & 0x7) << 5;
      fixed[9] = f.slot & 0xff;
      return Buffer.concat([header(true, FrameType.SynStream, f.flags, 10 + f.headerBlock.length), fixed, f.headerBlock]);
    }
    case 'syn_reply':
      return Buffer.concat([header(true, FrameType.SynReply, f.flags, 4 + f.headerBlock.length), u32(f.streamId & ID_MASK), f.headerBlock]);
    case 'headers':
      return Buffer.concat([header(true, FrameType.Headers, f.flags, 4 + f.headerBlock.length), u32(f.streamId & ID_MASK), f.headerBlock]);
    case 'rst_stream':
      return Buffer.concat([header(true, FrameType.RstStream, 0, 8), u32(f.streamId & ID_MASK, f.status)]);
    case 'settings': {
      const body = Buffer.alloc(4 + 8 * f.entries.length);
      body.writeUInt32BE(f.entries.length, 0);
      f.entries.forEach((e, i) => {
        body.writeUInt32BE(((e.flags & 0xff) << 24 | (e.id & 0xff_ffff)) >>> 0, 4 + i * 8);
        body.writeUInt32BE(e.value >>> 0, 8 + i * 8);
      });
      return Buffer.concat([header(true, FrameType.Settings, f.flags, body.length), body]);
    }
    case 'ping':
      return Buffer.concat([header(true, FrameType.Ping, 0, 4), u32(f.id)]);
    case 'goaway':
      return Buffer.concat([header(true, FrameType.GoAway, 0, 8), u32(f.lastGoodStreamId & ID_MASK, f.status)]);
    case 'window_update':
      return Buffer.concat([header(true, FrameType.WindowUpdate, 0, 8), u32(f.streamId & ID_MASK, f.delta & ID_MASK)]);
    case 'unknown':
      return Buffer.concat([header(true, f.frameType, f.flags, f.payload.length), f.payload]);
  }
}

function need(p: Buffer, n: number, what: string): void {
  if (p.length < n) throw new SpdyProtocolError(`${what} frame too short (${p.length} bytes)`);
}

function decodeControl(type: number, flags: number, p: Buffer): Frame {
  switch (type) {
    case FrameType.SynStream:
      need(p, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream', flags, streamId: p.readUInt32BE(0) & ID_MASK, associatedTo: p.readUInt32BE(4) & ID_MASK,
        priority: (p[8] ?? 0) >> 5, slot: p[9] ?? 0, headerBlock: p.subarray(10),
      };
    case FrameType.SynReply:
      need(p, 4, 'SYN_REPLY');
      return { type: 'syn_reply', flags, streamId: p.readUInt32BE(0) & ID_MASK, headerBlock: p.subarray(4) };
    case FrameType.Headers:
      need(p, 4, 'HEADERS');
      return { type: 'headers', flags, streamId: p.readUInt32BE(0) & ID_MASK, headerBlock: p.subarray(4) };
    case FrameType.RstStream:
      need(p, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: p.readUInt32BE(0) & ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.Settings: {
      need(p, 4, 'SETTINGS');
      const n = p.readUInt32BE(0);
      if (p.length !== 4 + 8 * n) throw new SpdyProtocolError(`SETTINGS frame of ${p.length} bytes cannot hold ${n} entries`);
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < n; i++) {
        const fid = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: fid >>> 24, id: fid & 0xff_ffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', flags, entries };
    }
    case FrameType.Ping:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FrameType.GoAway:
      need(p, 8, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: p.readUInt32BE(0) & ID_MASK, status: p.readUInt32BE(4) };
    case FrameType.WindowUpdate:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: p.readUInt32BE(0) & ID_MASK, delta: p.readUInt32BE(4) & ID_MASK };
    default:
      return { type: 'unknown', frameType: type, flags, payload: p };
  }
}

/** Cuts a byte stream into frames; feed it chunks as they arrive. */
export class FrameParser {
  #buf: Buffer = Buffer.alloc(0);

  /** Frames completed by this chunk (possibly none); throws SpdyProtocolError on a bad frame. */
  push(chunk: Buffer): Frame[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const frames: Frame[] = [];
    while (this.#buf.length >= 8) {
      const word = this.#buf.readUInt32BE(0);
      const flagsLen = this.#buf.readUInt32BE(4);
      const length = flagsLen & 0xff_ffff;
      if (this.#buf.length < 8 + length) break;
      const flags = flagsLen >>> 24;
      // Copy the payload out: the frame outlives this buffer, which is sliced again below.
      const payload = Buffer.from(this.#buf.subarray(8, 8 + length));
      this.#buf = this.#buf.subarray(8 + length);
      if (word & 0x8000_0000) {
        const version = (word >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        frames.push(decodeControl(word & 0xffff, flags, payload));
      } else {
        frames.push({ type: 'data', streamId: word & ID_MASK, flags, data: payload });
      }
    }
    return frames;
  }

  /** Bytes of a frame not yet complete. */
  get buffered(): number {
    return this.#buf.length;
  }
}
