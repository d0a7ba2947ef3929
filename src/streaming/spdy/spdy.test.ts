// SPDX-License-Identifier: Apache-2.0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { createDeflate, inflateSync, constants as zconst } from 'node:zlib';
import {
  adler32, decodeHeaderBlock, encodeFrame, encodeHeaderBlock, FLAG_FIN, FrameParser, HeaderCompressor, HeaderDecompressor,
  headersOf, headerValue, SPDY3_HEADER_DICTIONARY, SpdyProtocolError, SpdySession, type Frame, type SpdyStream,
} from './index.js';

test('the SPDY/3 dictionary is byte-identical to the one Go peers use', () => {
  assert.equal(SPDY3_HEADER_DICTIONARY.length, 1423);
  assert.equal(createHash('sha256').update(SPDY3_HEADER_DICTIONARY).digest('hex'),
    '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  assert.equal(SPDY3_HEADER_DICTIONARY.subarray(-6).toString(), 'enq=0.');
});

test('frames round-trip through encode and the parser, whole or byte by byte', () => {
  const frames: Frame[] = [
    { type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 3, slot: 0, flags: 0, headerBlock: Buffer.from('hb') },
    { type: 'syn_reply', streamId: 1, flags: FLAG_FIN, headerBlock: Buffer.from('reply') },
    { type: 'data', streamId: 1, flags: 0, data: Buffer.from('hello') },
    { type: 'data', streamId: 3, flags: FLAG_FIN, data: Buffer.alloc(0) },
    { type: 'rst_stream', streamId: 5, status: 5 },
    { type: 'settings', flags: 1, entries: [{ flags: 1, id: 7, value: 65536 }, { flags: 0, id: 4, value: 100 }] },
    { type: 'ping', id: 0xfffffffe },
    { type: 'goaway', lastGoodStreamId: 7, status: 0 },
    { type: 'headers', streamId: 9, flags: 0, headerBlock: Buffer.from('h') },
    { type: 'window_update', streamId: 9, delta: 4096 },
    { type: 'unknown', frameType: 10, flags: 0, payload: Buffer.from('credential') },
  ];
  const wire = Buffer.concat(frames.map(encodeFrame));
  assert.deepEqual(new FrameParser().push(wire), frames);
  const p = new FrameParser();
  const out: Frame[] = [];
  for (const byte of wire) out.push(...p.push(Buffer.from([byte])));
  assert.deepEqual(out, frames);
  assert.equal(p.buffered, 0);
});

test('the wire format is SPDY/3.1: control bit, version 3, type, flags, 24-bit length', () => {
  const ping = encodeFrame({ type: 'ping', id: 1 });
  assert.equal(ping.toString('hex'), '80030006000000040000000' + '1');
  const data = encodeFrame({ type: 'data', streamId: 3, flags: FLAG_FIN, data: Buffer.from('ab') });
  assert.equal(data.toString('hex'), '00000003' + '01000002' + '6162');
  const syn = encodeFrame({ type: 'syn_stream', streamId: 1, associatedTo: 0, priority: 7, slot: 0, flags: 0, headerBlock: Buffer.alloc(0) });
  assert.equal(syn.toString('hex'), '80030001' + '0000000a' + '00000001' + '00000000' + 'e000');
  assert.throws(() => new FrameParser().push(Buffer.from('80020006000000040000000' + '1', 'hex')), SpdyProtocolError);
});

test('header blocks: counts and lengths are 32-bit, names lower case, values NUL-joined', () => {
  const raw = encodeHeaderBlock(headersOf({ StreamType: 'error', multi: ['a', 'b'] }));
  assert.equal(raw.toString('hex'),
    '00000002' + '0000000a' + Buffer.from('streamtype').toString('hex') + '00000005' + Buffer.from('error').toString('hex') +
    '00000005' + Buffer.from('multi').toString('hex') + '00000003' + '610062');
  const back = decodeHeaderBlock(raw);
  assert.equal(headerValue(back, 'streamType'), 'error');
  assert.deepEqual(back.get('multi'), ['a', 'b']);
  assert.throws(() => decodeHeaderBlock(raw.subarray(0, raw.length - 1)), SpdyProtocolError);
});

test('our compressed header blocks are one zlib stream with the dictionary, flushed per block', () => {
  const c = new HeaderCompressor();
  const a = c.compress(encodeHeaderBlock(headersOf({ streamtype: 'error' })));
  const b = c.compress(encodeHeaderBlock(headersOf({ streamtype: 'stdin', port: '80' })));
  // zlib header: deflate, FDICT set, and the dictionary's Adler-32 as zlib computes it.
  assert.equal(a[0], 0x78);
  assert.equal((a[1] as number) & 0x20, 0x20);
  assert.equal(((a[0] as number) * 256 + (a[1] as number)) % 31, 0);
  assert.equal(a.readUInt32BE(2), adler32(SPDY3_HEADER_DICTIONARY));
  // Each block ends with the sync-flush marker a Go inflater needs to hand out the bytes.
  assert.equal(a.subarray(-5).toString('hex'), '000000ffff');
  assert.equal(b.subarray(-5).toString('hex'), '000000ffff');
  const all = inflateSync(Buffer.concat([a, b]), { dictionary: SPDY3_HEADER_DICTIONARY, finishFlush: zconst.Z_SYNC_FLUSH });
  const first = encodeHeaderBlock(headersOf({ streamtype: 'error' }));
  assert.deepEqual(decodeHeaderBlock(all.subarray(0, first.length)), headersOf({ streamtype: 'error' }));
  assert.deepEqual(decodeHeaderBlock(all.subarray(first.length)), headersOf({ streamtype: 'stdin', port: '80' }));
  // Our own decompressor reads them back block by block.
  const d = new HeaderDecompressor();
  assert.deepEqual(decodeHeaderBlock(d.decompress(a)), headersOf({ streamtype: 'error' }));
  assert.deepEqual(decodeHeaderBlock(d.decompress(b)), headersOf({ streamtype: 'stdin', port: '80' }));
});

test('the decompressor reads blocks really compressed against the dictionary (as Go peers send)', async () => {
  const z = createDeflate({ dictionary: SPDY3_HEADER_DICTIONARY, level: 9 });
  const chunks: Buffer[] = [];
  z.on('data', (c: Buffer) => chunks.push(c));
  const block = async (h: Record<string, string>): Promise<Buffer> => {
    chunks.length = 0;
    z.write(encodeHeaderBlock(headersOf(h)));
    await new Promise<void>((r) => z.flush(zconst.Z_SYNC_FLUSH, () => r()));
    await new Promise((r) => setImmediate(r));
    return Buffer.concat(chunks);
  };
  const d = new HeaderDecompressor();
  const blocks: Array<Record<string, string>> = [{ streamtype: 'error' }, { streamtype: 'data', port: '8080', requestid: '0' }, { streamtype: 'error', port: '8080', requestid: '1' }];
  for (const h of blocks) {
    assert.deepEqual(decodeHeaderBlock(d.decompress(await block(h))), headersOf(h));
  }
  z.close();
});

async function socketPair(): Promise<{ a: Socket; b: Socket; close(): void }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const a = connect(port, '127.0.0.1');
  const b = await accepted;
  return { a, b, close: () => { a.destroy(); b.destroy(); server.close(); } };
}

function collect(s: SpdyStream): { text: () => string; ended: Promise<void> } {
  let text = '';
  s.on('data', (d) => { text += d.toString(); });
  const ended = new Promise<void>((r) => s.once('end', () => r()));
  return { text: () => text, ended };
}

test('sessions: streams open, hold data until replied, half-close, reset; pings and goaway', async () => {
  const { a, b, close } = await socketPair();
  try {
    const client = new SpdySession(a, { role: 'client' });
    const server = new SpdySession(b, { role: 'server' });
    const served: SpdyStream[] = [];
    server.on('stream', (s) => {
      served.push(s);
      const type = headerValue(s.headers, 'streamtype');
      // Reply late: data the client wrote meanwhile must wait for the reply.
      setTimeout(() => {
        s.reply(headersOf({ ok: type ?? '' }));
        if (type === 'echo') {
          s.on('data', (d) => s.write(Buffer.from(d.toString().toUpperCase())));
          s.on('end', () => s.end());
        }
      }, 30);
    });
    const echo = client.createStream({ streamtype: 'echo' });
    const replied = new Promise<string | undefined>((r) => echo.once('reply', (h) => r(headerValue(h, 'ok'))));
    const got = collect(echo);
    echo.write(Buffer.from('hello '));
    echo.write(Buffer.from('spdy'));
    echo.end();
    assert.equal(await replied, 'echo');
    await got.ended;
    assert.equal(got.text(), 'HELLO SPDY');
    assert.equal(echo.closed, true);
    assert.equal(echo.id, 1);

    const other = client.createStream({ streamtype: 'other' });
    assert.equal(other.id, 3);
    await new Promise<void>((r) => other.once('reply', () => r()));
    const reset = new Promise<number>((r) => other.once('reset', r));
    served[1]?.reset(5);
    assert.equal(await reset, 5);
    assert.equal(other.closed, true);

    assert.ok((await client.ping()) >= 0);
    assert.ok((await server.ping()) >= 0);

    const goaway = new Promise<number>((r) => server.once('goaway', (last) => r(last)));
    const serverClosed = new Promise<void>((r) => server.once('close', () => r()));
    client.close();
    assert.equal(await goaway, 0);
    await serverClosed;
  } finally {
    close();
  }
});

test('a session refuses streams with the wrong parity and answers garbage with GOAWAY', async () => {
  const { a, b, close } = await socketPair();
  try {
    const server = new SpdySession(b, { role: 'server' });
    server.on('stream', () => assert.fail('no stream expected'));
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    const parser = new FrameParser();
    const received: Frame[] = [];
    a.on('data', (d: Buffer) => received.push(...parser.push(d)));
    // An even (server-side) id from a client: RST_STREAM PROTOCOL_ERROR.
    a.write(encodeFrame({ type: 'syn_stream', streamId: 2, associatedTo: 0, priority: 0, slot: 0, flags: 0,
      headerBlock: new HeaderCompressor().compress(encodeHeaderBlock(headersOf({ x: 'y' }))) }));
    await until(() => received.some((f) => f.type === 'rst_stream'));
    assert.deepEqual(received.find((f) => f.type === 'rst_stream'), { type: 'rst_stream', streamId: 2, status: 1 });
    a.write(Buffer.from('8009000100000000', 'hex')); // SPDY version 9
    await until(() => received.some((f) => f.type === 'goaway'));
    assert.deepEqual(received.find((f) => f.type === 'goaway'), { type: 'goaway', lastGoodStreamId: 0, status: 1 });
    assert.ok(errors[0] instanceof SpdyProtocolError);
  } finally {
    close();
  }
});

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
