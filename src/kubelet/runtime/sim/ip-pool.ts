// Pod IPs of one sim node, from its spec.podCIDR (set by node IPAM) or, without one, from a
// range of its own. Host offsets 0 (network) and 1 (the node's bridge, as cni0 takes) and the
// broadcast address are never handed out; an address is reused only after its pod is gone.
import { addressAt, cidrSize, formatCidr, offsetOf, parseCidr, type Ipv4Cidr } from '../../../controllers/nodeipam/cidr.js';

export class PodIpPool {
  #cidr: Ipv4Cidr;
  readonly #used = new Map<number, string>(); // offset → pod key
  readonly #byPod = new Map<string, number>();
  #next = 2;

  constructor(cidr: Ipv4Cidr) { this.#cidr = cidr; }

  get cidr(): string { return formatCidr(this.#cidr); }

  /** Follows the node's podCIDR once IPAM sets it; addresses already given stay with their pods. */
  useCidr(text: string | undefined): void {
    if (!text) return;
    let c: Ipv4Cidr;
    try { c = parseCidr(text); } catch { return; }
    if (c.base === this.#cidr.base && c.bits === this.#cidr.bits) return;
    this.#cidr = c;
    this.#used.clear();
    this.#byPod.clear();
    this.#next = 2;
  }

  /** The pod's address: the one it already has, else the next free one. Throws when the range is full. */
  assign(podKey: string, existing?: string): string {
    const had = this.#byPod.get(podKey);
    if (had !== undefined) return addressAt(this.#cidr, had);
    if (existing) {
      const off = offsetOf(this.#cidr, existing);
      if (off !== undefined && !this.#used.has(off)) { this.#take(podKey, off); }
      return existing;
    }
    const size = cidrSize(this.#cidr);
    const usable = Math.max(0, size - 3);
    for (let i = 0; i < usable; i++) {
      const off = 2 + ((this.#next - 2 + i) % usable);
      if (this.#used.has(off)) continue;
      this.#take(podKey, off);
      this.#next = off + 1 >= size - 1 ? 2 : off + 1;
      return addressAt(this.#cidr, off);
    }
    throw new Error(`no pod IP left in ${this.cidr}`);
  }

  release(podKey: string): void {
    const off = this.#byPod.get(podKey);
    if (off === undefined) return;
    this.#byPod.delete(podKey);
    if (this.#used.get(off) === podKey) this.#used.delete(off);
  }

  #take(podKey: string, off: number): void {
    this.#used.set(off, podKey);
    this.#byPod.set(podKey, off);
  }
}
