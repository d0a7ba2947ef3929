// A minimal, deterministic tar writer (POSIX ustar, with pax headers only for names that do not fit).
// Both the image layer and the oci-archive around it are written with it. We write tar by hand rather
// than through the `tar` package because the layer's entries come from memory with chosen owners and
// modes, which `tar.create` (a file-system walker) cannot express without staging a tree on disk.
// Format: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06

/** One tar member. Times are fixed (mtime 0) so the same members always give the same bytes. */
export type TarEntry =
  | { type: 'file'; path: string; mode: number; uid: number; gid: number; content: Uint8Array }
  | { type: 'dir'; path: string; mode: number; uid: number; gid: number }
  | { type: 'symlink'; path: string; mode: number; uid: number; gid: number; target: string };

const BLOCK = 512;
const TYPEFLAG = { file: '0', symlink: '2', dir: '5', pax: 'x' } as const;

/** Serialises the entries, in the order given, followed by the two zero blocks that end an archive. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const name = e.type === 'dir' && !e.path.endsWith('/') ? `${e.path}/` : e.path;
    const linkname = e.type === 'symlink' ? e.target : '';
    const split = splitUstarName(name);
    const pax: Record<string, string> = {};
    if (!split) pax.path = name;
    if (Buffer.byteLength(linkname) > 100) pax.linkpath = linkname;
    if (Object.keys(pax).length > 0) {
      const body = paxRecords(pax);
      parts.push(header({ name: 'PaxHeader', prefix: '', mode: 0o644, uid: 0, gid: 0, size: body.length, typeflag: TYPEFLAG.pax, linkname: '' }));
      parts.push(padded(body));
    }
    const content = e.type === 'file' ? Buffer.from(e.content.buffer, e.content.byteOffset, e.content.byteLength) : Buffer.alloc(0);
    parts.push(header({
      name: split ? split.name : name.slice(-100),
      prefix: split ? split.prefix : '',
      mode: e.mode, uid: e.uid, gid: e.gid, size: content.length,
      typeflag: TYPEFLAG[e.type],
      linkname: pax.linkpath ? linkname.slice(0, 100) : linkname,
    }));
    if (content.length > 0) parts.push(padded(content));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

interface HeaderFields { name: string; prefix: string; mode: number; uid: number; gid: number; size: number; typeflag: string; linkname: string }

function header(f: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(f.name, 0, 100, 'utf8');
  octal(h, 100, 8, f.mode & 0o7777);
  octal(h, 108, 8, f.uid);
  octal(h, 116, 8, f.gid);
  octal(h, 124, 12, f.size);
  octal(h, 136, 12, 0); // mtime: fixed, for reproducible digests
  h.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  h.write(f.typeflag, 156, 1, 'latin1');
  h.write(f.linkname, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 8, 'latin1');
  h.write(f.uid === 0 ? 'root' : '', 265, 32, 'latin1');
  h.write(f.gid === 0 ? 'root' : '', 297, 32, 'latin1');
  h.write(f.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return h;
}

function octal(buf: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new RangeError(`tar: value ${value} does not fit in ${width - 1} octal digits`);
  buf.write(`${digits.padStart(width - 1, '0')}\u0000`, offset, width, 'latin1');
}

/** ustar stores a path as prefix (≤155 bytes) + "/" + name (≤100 bytes); undefined when it cannot. */
function splitUstarName(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { prefix, name };
  }
  return undefined;
}

/** pax records are "LEN key=value\n" where LEN counts the whole record, its own digits included. */
function paxRecords(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    const restLen = Buffer.byteLength(rest);
    let len = restLen + String(restLen).length;
    if (String(len).length !== String(restLen).length) len = restLen + String(len).length;
    out += `${len}${rest}`;
  }
  return Buffer.from(out, 'utf8');
}

function padded(b: Buffer): Buffer {
  const rem = b.length % BLOCK;
  return rem === 0 ? b : Buffer.concat([b, Buffer.alloc(BLOCK - rem)]);
}
