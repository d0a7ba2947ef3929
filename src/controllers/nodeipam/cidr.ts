// IPv4 CIDR arithmetic and the per-node subnet allocator of kube's range allocator
// (pkg/controller/nodeipam/ipam/cidrset): a cluster CIDR cut into equal subnets, handed out in a
// rotating order so a released subnet is not reused at once.

/** An IPv4 network: `base` is the first address (host bits zero) as an unsigned 32-bit number. */
export interface Ipv4Cidr { readonly base: number; readonly bits: number }

export class CidrError extends Error {
  override name = 'CidrError';
}

export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

const maskOf = (bits: number): number => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);

/** `10.42.0.0/16` → { base, bits }. Host bits set in the text are cleared, as net.ParseCIDR does. */
export function parseCidr(text: string): Ipv4Cidr {
  const [addr, len, ...rest] = text.trim().split('/');
  const ip = addr === undefined ? undefined : parseIpv4(addr);
  const bits = Number(len);
  if (ip === undefined || rest.length || len === undefined || !/^\d{1,2}$/.test(len) || bits > 32) {
    throw new CidrError(`invalid IPv4 CIDR "${text}"`);
  }
  return { base: (ip & maskOf(bits)) >>> 0, bits };
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.base)}/${c.bits}`;
}

export function cidrSize(c: Ipv4Cidr): number {
  return 2 ** (32 - c.bits);
}

/** The address `offset` after the network's first address (no bounds check beyond the network). */
export function addressAt(c: Ipv4Cidr, offset: number): string {
  if (offset < 0 || offset >= cidrSize(c)) throw new CidrError(`offset ${offset} outside ${formatCidr(c)}`);
  return formatIpv4(c.base + offset);
}

/** Offset of `ip` inside `c`, or undefined when outside. */
export function offsetOf(c: Ipv4Cidr, ip: string): number | undefined {
  const n = parseIpv4(ip);
  if (n === undefined) return undefined;
  const off = n - c.base;
  return off >= 0 && off < cidrSize(c) ? off : undefined;
}

const MAX_SUBNET_BITS = 20; // kube caps the subnet count too (cidrset: clusterMaskSize - subNetMaskSize <= 16 for v4 in older releases)

/**
 * Subnets of size /maskSize cut from a cluster CIDR. Invariants: a subnet is handed out by
 * allocate() at most once until released; occupy() marks subnets taken elsewhere (existing nodes)
 * so they are never handed out; the search starts after the last subnet handed out.
 */
export class CidrSet {
  readonly cluster: Ipv4Cidr;
  readonly maskSize: number;
  readonly #used: Uint8Array;
  #next = 0;
  #count = 0;

  constructor(cluster: Ipv4Cidr, maskSize: number) {
    if (!Number.isInteger(maskSize) || maskSize < cluster.bits || maskSize > 32) {
      throw new CidrError(`node CIDR mask size ${maskSize} does not fit in cluster CIDR ${formatCidr(cluster)}`);
    }
    if (maskSize - cluster.bits > MAX_SUBNET_BITS) {
      throw new CidrError(`node CIDR mask size ${maskSize} cuts ${formatCidr(cluster)} into more than 2^${MAX_SUBNET_BITS} subnets`);
    }
    this.cluster = cluster;
    this.maskSize = maskSize;
    this.#used = new Uint8Array(2 ** (maskSize - cluster.bits));
  }

  get capacity(): number { return this.#used.length; }
  get allocated(): number { return this.#count; }

  /** The next free subnet, marked used; undefined when the range is exhausted. */
  allocate(): Ipv4Cidr | undefined {
    const n = this.#used.length;
    for (let i = 0; i < n; i++) {
      const idx = (this.#next + i) % n;
      if (this.#used[idx]) continue;
      this.#used[idx] = 1;
      this.#count++;
      this.#next = (idx + 1) % n;
      return this.#subnet(idx);
    }
    return undefined;
  }

  /** Marks every subnet `c` overlaps as used (a CIDR set by someone else, or found at start). */
  occupy(c: Ipv4Cidr): void {
    for (const idx of this.#indexes(c)) if (!this.#used[idx]) { this.#used[idx] = 1; this.#count++; }
  }

  release(c: Ipv4Cidr): void {
    for (const idx of this.#indexes(c)) if (this.#used[idx]) { this.#used[idx] = 0; this.#count--; }
  }

  isUsed(c: Ipv4Cidr): boolean {
    const idx = [...this.#indexes(c)];
    return idx.length > 0 && idx.every((i) => this.#used[i] === 1);
  }

  /** Whether `c` lies inside the cluster CIDR. */
  contains(c: Ipv4Cidr): boolean {
    const shift = cidrSize(this.cluster);
    return c.bits >= this.cluster.bits && c.base >= this.cluster.base && c.base < this.cluster.base + shift;
  }

  #subnet(idx: number): Ipv4Cidr {
    return { base: this.cluster.base + idx * 2 ** (32 - this.maskSize), bits: this.maskSize };
  }

  *#indexes(c: Ipv4Cidr): Iterable<number> {
    // Overlap of c with the cluster range, in subnet indexes.
    const lo = Math.max(c.base, this.cluster.base);
    const hi = Math.min(c.base + cidrSize(c), this.cluster.base + cidrSize(this.cluster));
    if (lo >= hi) return;
    const step = 2 ** (32 - this.maskSize);
    const first = Math.floor((lo - this.cluster.base) / step);
    const last = Math.floor((hi - 1 - this.cluster.base) / step);
    for (let i = first; i <= last; i++) yield i;
  }
}
