// A SPDY/3.1 session over one connection (SPDY draft 3.1, section 2): streams opened with
// SYN_STREAM and answered with SYN_REPLY, DATA with FIN for half-close, RST_STREAM, PING,
// GOAWAY. It speaks what Kubernetes' streaming peers (moby/spdystream inside kubectl, kubelet and
// containerd's stream server) speak:
// - spdystream implements no flow control: it never sends WINDOW_UPDATE and ignores those it
//   gets, so this session neither enforces windows nor sends SETTINGS/WINDOW_UPDATE.
// - spdystream drops DATA that arrives on a stream before its SYN_REPLY was sent, so data written
//   to a stream this side opened is held until the reply arrives.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  encodeFrame, FLAG_FIN, FrameParser, GoAwayStatus, RstStatus, SpdyProtocolError, type Frame,
} from './frames.js';
import {
  decodeHeaderBlock, encodeHeaderBlock, HeaderCompressor, HeaderDecompressor, headersOf, type SpdyHeaders,
} from './headers.js';

/** DATA frames are cut to this size so one stream cannot hold the connection for long. */
const DATA_CHUNK = 32 * 1024;

export type SpdyRole = 'client' | 'server';

export interface SpdyStreamEvents {
  reply: [headers: SpdyHeaders];
  data: [chunk: Buffer];
  /** The peer half-closed (FIN): no more data will arrive. */
  end: [];
  /** The peer reset the stream (RST_STREAM status). */
  reset: [status: number];
  /** Both halves are done, or the stream was reset, or the session ended. */
  close: [];
}

export class SpdyStream extends EventEmitter<SpdyStreamEvents> {
  readonly id: number;
  /** The headers the stream was opened with. */
  readonly headers: SpdyHeaders;
  #session: SpdySession;
  #replied: boolean;
  #queued: Array<{ data: Buffer; fin: boolean }> = [];
  #localEnded = false;
  #remoteEnded = false;
  #closed = false;

  /** @internal created by SpdySession */
  constructor(session: SpdySession, id: number, headers: SpdyHeaders, replied: boolean) {
    super();
    this.#session = session;
    this.id = id;
    this.headers = headers;
    this.#replied = replied;
  }

  get closed(): boolean { return this.#closed; }
  get localEnded(): boolean { return this.#localEnded; }
  get remoteEnded(): boolean { return this.#remoteEnded; }

  /** Sends data; false when the connection's buffer is full (wait for the session's 'drain'). */
  write(data: Buffer): boolean {
    if (this.#localEnded || this.#closed) return true;
    if (data.length === 0) return true;
    if (!this.#replied) { this.#queued.push({ data, fin: false }); return true; }
    return this.#sendData(data, false);
  }

  /** Half-closes our side (an empty DATA frame with FIN). */
  end(): void {
    if (this.#localEnded || this.#closed) return;
    this.#localEnded = true;
    if (!this.#replied) this.#queued.push({ data: Buffer.alloc(0), fin: true });
    else this.#sendData(Buffer.alloc(0), true);
    this.#maybeClose();
  }

  /** Aborts the stream in both directions (RST_STREAM). */
  reset(status: number = RstStatus.Cancel): void {
    if (this.#closed) return;
    this.#session.sendFrame({ type: 'rst_stream', streamId: this.id, status });
    this.#finish();
  }

  /** Answers a stream the peer opened (SYN_REPLY). */
  reply(headers: SpdyHeaders = new Map(), opts: { fin?: boolean } = {}): void {
    if (this.#replied) return;
    this.#replied = true;
    this.#session.sendHeaderFrame('syn_reply', this.id, headers, opts.fin === true);
    if (opts.fin) { this.#localEnded = true; this.#maybeClose(); }
  }

  #sendData(data: Buffer, fin: boolean): boolean {
    let ok = true;
    if (data.length === 0) return this.#session.sendFrame({ type: 'data', streamId: this.id, flags: fin ? FLAG_FIN : 0, data });
    for (let at = 0; at < data.length; at += DATA_CHUNK) {
      const last = at + DATA_CHUNK >= data.length;
      ok = this.#session.sendFrame({ type: 'data', streamId: this.id, flags: fin && last ? FLAG_FIN : 0, data: data.subarray(at, at + DATA_CHUNK) });
    }
    return ok;
  }

  /** @internal frames from the session */
  onReply(headers: SpdyHeaders, fin: boolean): void {
    if (this.#replied) return;
    this.#replied = true;
    this.emit('reply', headers);
    for (const q of this.#queued.splice(0)) this.#sendData(q.data, q.fin);
    if (fin) this.onRemoteEnd();
  }

  /** @internal */
  onData(data: Buffer, fin: boolean): void {
    if (this.#remoteEnded || this.#closed) return;
    if (data.length > 0) this.emit('data', data);
    if (fin) this.onRemoteEnd();
  }

  /** @internal */
  onRemoteEnd(): void {
    if (this.#remoteEnded || this.#closed) return;
    this.#remoteEnded = true;
    this.emit('end');
    this.#maybeClose();
  }

  /** @internal */
  onReset(status: number): void {
    if (this.#closed) return;
    if (!this.#remoteEnded) { this.#remoteEnded = true; this.emit('reset', status); }
    this.#finish();
  }

  /** @internal the connection is gone */
  onSessionEnd(): void {
    if (this.#closed) return;
    if (!this.#remoteEnded) { this.#remoteEnded = true; this.emit('end'); }
    this.#finish();
  }

  #maybeClose(): void {
    if (this.#localEnded && this.#remoteEnded) this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#localEnded = true;
    this.#remoteEnded = true;
    this.#queued = [];
    this.#session.forget(this.id);
    this.emit('close');
  }
}

export interface SpdySessionEvents {
  /** The peer opened a stream; answer it with stream.reply() (or reset it). */
  stream: [stream: SpdyStream];
  goaway: [lastGoodStreamId: number, status: number];
  /** The connection's write buffer emptied (after a write returned false). */
  drain: [];
  error: [err: Error];
  close: [];
}

export interface SpdySessionOptions {
  role: SpdyRole;
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  readonly role: SpdyRole;
  #socket: Duplex;
  #parser = new FrameParser();
  #compressor = new HeaderCompressor();
  #decompressor = new HeaderDecompressor();
  #streams = new Map<number, SpdyStream>();
  #nextStreamId: number;
  #nextPingId: number;
  #lastRemoteStreamId = 0;
  #pings = new Map<number, { started: bigint; resolve: (ms: number) => void; reject: (e: Error) => void }>();
  #goneAway = false;
  #closed = false;

  constructor(socket: Duplex, opts: SpdySessionOptions) {
    super();
    this.role = opts.role;
    this.#socket = socket;
    // Client streams and pings are odd, server ones even (sections 2.3.2 and 2.6.5).
    this.#nextStreamId = opts.role === 'client' ? 1 : 2;
    this.#nextPingId = opts.role === 'client' ? 1 : 2;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => this.emit('drain'));
    socket.on('error', (e: Error) => { if (this.listenerCount('error') > 0) this.emit('error', e); });
    socket.on('close', () => this.#onClose());
    socket.on('end', () => { socket.end(); });
  }

  get closed(): boolean { return this.#closed; }

  /** Opens a stream (SYN_STREAM). Data written before the peer's SYN_REPLY is held until it arrives. */
  createStream(headers: SpdyHeaders | Readonly<Record<string, string | readonly string[]>>, opts: { fin?: boolean; priority?: number } = {}): SpdyStream {
    if (this.#closed || this.#goneAway) throw new Error('SPDY session is closed');
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    const h = headers instanceof Map ? headers : headersOf(headers);
    const stream = new SpdyStream(this, id, h, false);
    this.#streams.set(id, stream);
    this.sendFrame({
      type: 'syn_stream', streamId: id, associatedTo: 0, priority: opts.priority ?? 0, slot: 0,
      flags: opts.fin ? FLAG_FIN : 0, headerBlock: this.#compressor.compress(encodeHeaderBlock(h)),
    });
    if (opts.fin) stream.end();
    return stream;
  }

  /** Round trip time of a PING, in milliseconds. */
  ping(): Promise<number> {
    const id = this.#nextPingId;
    this.#nextPingId = this.#nextPingId + 2 > 0x7fff_ffff ? this.#nextPingId % 2 + 1 : this.#nextPingId + 2;
    return new Promise((resolve, reject) => {
      this.#pings.set(id, { started: process.hrtime.bigint(), resolve, reject });
      this.sendFrame({ type: 'ping', id });
    });
  }

  /** GOAWAY, then half-close the connection once our writes are out. */
  close(): void {
    if (this.#closed) return;
    if (!this.#goneAway) {
      this.#goneAway = true;
      this.sendFrame({ type: 'goaway', lastGoodStreamId: this.#lastRemoteStreamId, status: GoAwayStatus.Ok });
    }
    this.#socket.end();
  }

  destroy(err?: Error): void {
    this.#socket.destroy(err);
  }

  /** @internal */
  sendFrame(frame: Frame): boolean {
    if (this.#closed || this.#socket.destroyed || this.#socket.writableEnded) return false;
    return this.#socket.write(encodeFrame(frame));
  }

  /** @internal */
  sendHeaderFrame(type: 'syn_reply' | 'headers', streamId: number, headers: SpdyHeaders, fin: boolean): void {
    this.sendFrame({ type, streamId, flags: fin ? FLAG_FIN : 0, headerBlock: this.#compressor.compress(encodeHeaderBlock(headers)) });
  }

  /** @internal */
  forget(id: number): void {
    this.#streams.delete(id);
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      for (const frame of this.#parser.push(chunk)) this.#onFrame(frame);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (err instanceof SpdyProtocolError && !this.#goneAway) {
        this.#goneAway = true;
        this.sendFrame({ type: 'goaway', lastGoodStreamId: this.#lastRemoteStreamId, status: GoAwayStatus.ProtocolError });
      }
      if (this.listenerCount('error') > 0) this.emit('error', err);
      this.#socket.destroy();
    }
  }

  #headers(block: Buffer): SpdyHeaders {
    return decodeHeaderBlock(this.#decompressor.decompress(block));
  }

  #onFrame(f: Frame): void {
    switch (f.type) {
      case 'syn_stream': {
        const headers = this.#headers(f.headerBlock); // always decoded: the zlib state must advance
        const fromPeer = this.role === 'client' ? f.streamId % 2 === 0 : f.streamId % 2 === 1;
        if (!fromPeer || f.streamId <= this.#lastRemoteStreamId || this.#goneAway) {
          this.sendFrame({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.ProtocolError });
          return;
        }
        this.#lastRemoteStreamId = f.streamId;
        const stream = new SpdyStream(this, f.streamId, headers, false);
        this.#streams.set(f.streamId, stream);
        if (this.listenerCount('stream') === 0) { stream.reset(RstStatus.RefusedStream); return; }
        this.emit('stream', stream);
        if (f.flags & FLAG_FIN) stream.onRemoteEnd();
        return;
      }
      case 'syn_reply':
        this.#streams.get(f.streamId)?.onReply(this.#headers(f.headerBlock), (f.flags & FLAG_FIN) !== 0);
        return;
      case 'headers': {
        this.#headers(f.headerBlock);
        if (f.flags & FLAG_FIN) this.#streams.get(f.streamId)?.onRemoteEnd();
        return;
      }
      case 'data':
        this.#streams.get(f.streamId)?.onData(f.data, (f.flags & FLAG_FIN) !== 0);
        return;
      case 'rst_stream':
        this.#streams.get(f.streamId)?.onReset(f.status);
        return;
      case 'ping': {
        const ours = f.id % 2 === (this.role === 'client' ? 1 : 0);
        if (!ours) { this.sendFrame({ type: 'ping', id: f.id }); return; }
        const p = this.#pings.get(f.id);
        if (p) {
          this.#pings.delete(f.id);
          p.resolve(Number(process.hrtime.bigint() - p.started) / 1e6);
        }
        return;
      }
      case 'goaway':
        this.#goneAway = true;
        this.emit('goaway', f.lastGoodStreamId, f.status);
        return;
      case 'settings':
      case 'window_update':
      case 'unknown':
        return; // no flow control (see the file comment); unknown control frames are ignored (section 2.2.1)
    }
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of [...this.#streams.values()]) s.onSessionEnd();
    this.#streams.clear();
    for (const p of this.#pings.values()) p.reject(new Error('SPDY session closed'));
    this.#pings.clear();
    this.emit('close');
  }
}
