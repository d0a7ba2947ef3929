// The pod network of one node: a CNI conflist the container runtime (containerd's CRI plugin,
// through libcni) runs for every pod sandbox. As /work/shared/RUNTIME.md found on these machines:
// - bridge: a Linux bridge on the node (the pods' gateway: isGateway), each pod a veth on it;
//   ipMasq masquerades traffic leaving the pod CIDR; hairpinMode lets a pod reach itself through
//   a Service VIP;
// - host-local IPAM over the node's podCIDR (spec.podCIDR from the nodeipam controller), with a
//   default route through the bridge;
// - portmap with the portMappings capability, for hostPort.
// Cross-node routes (host-gw) are the node's business, not the conflist's.
import { mkdir } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../machinery/write-file-atomic.js';

export const DEFAULT_NETWORK_NAME = 'k8ts';
export const DEFAULT_BRIDGE = 'k8ts0';
/** libcni reads the lexically first file of the directory; `10-` leaves room before and after. */
export const CONFLIST_FILE = '10-k8ts.conflist';
/** CNI spec version of the conflist (containernetworking-plugins ≥ 1.0 and containerd 1.6 speak it). */
export const CNI_VERSION = '1.0.0';

export interface CniConfigOptions {
  /** The directory the runtime reads (containerd: plugins."io.containerd.grpc.v1.cri".cni.conf_dir). */
  confDir: string;
  /** The node's pod CIDR, e.g. 10.42.3.0/24 (IPv4 or IPv6). */
  podCidr: string;
  bridgeName?: string;
  /** MTU of the bridge and the pods' interfaces; the plugin's default (the bridge's) when absent. */
  mtu?: number;
  /** The CNI network name (also the host-local state directory's and the iptables comments'). */
  networkName?: string;
  /** host-local's state directory; the plugin's default /var/lib/cni/networks when absent. */
  ipamDataDir?: string;
}

export interface ParsedCidr { address: string; prefix: number; family: 4 | 6 }

/** `a.b.c.d/n` or `x::/n`, checked; throws an Error naming the bad value. */
export function parseCidr(cidr: string): ParsedCidr {
  const [address = '', prefixText = '', ...rest] = cidr.trim().split('/');
  const prefix = Number(prefixText);
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (rest.length > 0 || family === undefined || prefixText === '' || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) {
    throw new Error(`invalid pod CIDR "${cidr}"`);
  }
  if (family === 4 && prefix > 30) throw new Error(`pod CIDR "${cidr}" is too small: it needs room for a gateway and pods`);
  return { address, prefix, family };
}

/** The conflist as a JSON value. */
export function renderCniConfig(o: Omit<CniConfigOptions, 'confDir'>): Record<string, unknown> {
  const cidr = parseCidr(o.podCidr);
  const bridge = o.bridgeName ?? DEFAULT_BRIDGE;
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`bridge name "${bridge}" is not a valid interface name (1–15 characters)`);
  if (o.mtu !== undefined && (!Number.isInteger(o.mtu) || o.mtu < 576 || o.mtu > 65535)) throw new Error(`MTU ${o.mtu} is out of range (576–65535)`);
  const ipam: Record<string, unknown> = {
    type: 'host-local',
    ranges: [[{ subnet: `${cidr.address}/${cidr.prefix}` }]],
    routes: [{ dst: cidr.family === 4 ? '0.0.0.0/0' : '::/0' }],
  };
  if (o.ipamDataDir) ipam['dataDir'] = o.ipamDataDir;
  const bridgePlugin: Record<string, unknown> = {
    type: 'bridge', bridge, isGateway: true, ipMasq: true, hairpinMode: true,
    ...(o.mtu !== undefined ? { mtu: o.mtu } : {}),
    ipam,
  };
  return {
    cniVersion: CNI_VERSION,
    name: o.networkName ?? DEFAULT_NETWORK_NAME,
    plugins: [bridgePlugin, { type: 'portmap', capabilities: { portMappings: true } }],
  };
}

/** Writes `confDir/10-k8ts.conflist` atomically (the runtime never reads half a file); resolves with its path. */
export async function writeCniConfig(o: CniConfigOptions): Promise<string> {
  const text = `${JSON.stringify(renderCniConfig(o), null, 2)}\n`;
  await mkdir(o.confDir, { recursive: true });
  const path = join(o.confDir, CONFLIST_FILE);
  await writeFileAtomic(path, text, 0o644);
  return path;
}
