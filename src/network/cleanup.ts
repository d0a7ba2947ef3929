// What `k8ts down` removes of a node's pod network, once its pods are gone: what the CNI plugins
// of our conflist leave behind on the node (RUNTIME.md, "Side effects"):
// - the bridge and any pod veth still attached to it;
// - iptables: the rules whose comment names our network (bridge ipMasq: `name: "k8ts" id: ...`,
//   portmap: `dnat name: "k8ts" ...`), the per-pod chains they jump to (CNI-<hash>, CNI-DN-<hash>),
//   and portmap's shared CNI-HOSTPORT-* chains with their jumps — only when no other network's pod
//   still has a hostPort in them;
// - host-local IPAM state (<ipamDataDir>/<network>) and libcni's cached results (<network>-*).
// Left alone: net.ipv4.ip_forward, which the bridge plugin turned on (its value before is unknown).
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_BRIDGE, DEFAULT_NETWORK_NAME } from './cni-config.js';

export const DEFAULT_IPAM_DATA_DIR = '/var/lib/cni/networks';
export const DEFAULT_CNI_RESULTS_DIR = '/var/lib/cni/results';
const TABLES = ['nat', 'filter', 'mangle'] as const;
const HOSTPORT_PREFIX = 'CNI-HOSTPORT-';
const BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

export interface CleanupOptions {
  bridgeName?: string;
  networkName?: string;
  ipamDataDir?: string;
  cniResultsDir?: string;
  /** Run ip/iptables in this named network namespace (/run/netns/NAME): a node that lives in one. */
  netns?: string;
}

export interface CleanupReport {
  bridgeRemoved: boolean;
  vethsRemoved: string[];
  /** `table/chain` of every chain deleted. */
  chainsRemoved: string[];
  rulesRemoved: number;
  ipamStateRemoved: boolean;
  resultsRemoved: number;
}

export async function cleanupNetwork(o: CleanupOptions = {}): Promise<CleanupReport> {
  const bridge = o.bridgeName ?? DEFAULT_BRIDGE;
  const network = o.networkName ?? DEFAULT_NETWORK_NAME;
  const run = commandRunner(o.netns);
  const report: CleanupReport = { bridgeRemoved: false, vethsRemoved: [], chainsRemoved: [], rulesRemoved: 0, ipamStateRemoved: false, resultsRemoved: 0 };

  // Pod ends first (deleting one end of a veth deletes the pair), then the bridge.
  const ports = await run('ip', ['-o', 'link', 'show', 'master', bridge]).catch(() => '');
  for (const line of ports.split('\n')) {
    const name = /^\d+:\s+([^@:\s]+)/.exec(line)?.[1];
    if (!name) continue;
    await run('ip', ['link', 'delete', name]).then(() => report.vethsRemoved.push(name), () => undefined);
  }
  report.bridgeRemoved = await run('ip', ['link', 'delete', bridge, 'type', 'bridge']).then(() => true, () => false);

  for (const iptables of ['iptables', 'ip6tables']) {
    for (const table of TABLES) {
      const dump = await run(`${iptables}-save`, ['-t', table]).catch(() => undefined);
      if (dump === undefined) continue; // no such binary or table here
      const removed = await cleanTable(run, iptables, table, parseIptablesSave(dump), network);
      report.rulesRemoved += removed.rules;
      report.chainsRemoved.push(...removed.chains.map((c) => `${table}/${c}`));
    }
  }

  const ipamDir = join(o.ipamDataDir ?? DEFAULT_IPAM_DATA_DIR, network);
  report.ipamStateRemoved = await rm(ipamDir, { recursive: true }).then(() => true, () => false);
  const resultsDir = o.cniResultsDir ?? DEFAULT_CNI_RESULTS_DIR;
  for (const f of await readdir(resultsDir).catch(() => [] as string[])) {
    if (!f.startsWith(`${network}-`)) continue;
    await rm(join(resultsDir, f), { force: true });
    report.resultsRemoved++;
  }
  return report;
}

// ---- iptables --------------------------------------------------------------------------------

/** One table of `iptables-save`: its chains and each rule's arguments after `-A CHAIN`. */
export interface IptablesTable { chains: string[]; rules: Array<{ chain: string; args: string[] }> }

export function parseIptablesSave(text: string): IptablesTable {
  const out: IptablesTable = { chains: [], rules: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) out.chains.push(line.slice(1).split(' ')[0] ?? '');
    else if (line.startsWith('-A ')) {
      const [, chain = '', ...args] = splitArgs(line);
      out.rules.push({ chain, args });
    }
  }
  return out;
}

/** Splits an iptables-save rule line as the shell would: "double quotes" with backslash escapes. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuotes = false;
  let have = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (inQuotes) {
      if (ch === '\\' && i + 1 < line.length) { cur += line[++i]; continue; }
      if (ch === '"') { inQuotes = false; continue; }
      cur += ch;
    } else if (ch === '"') { inQuotes = true; have = true; }
    else if (ch === ' ' || ch === '\t') { if (have) { out.push(cur); cur = ''; have = false; } }
    else { cur += ch; have = true; }
  }
  if (have) out.push(cur);
  return out;
}

const target = (args: readonly string[]): string | undefined => {
  const i = args.findIndex((a) => a === '-j' || a === '--jump' || a === '-g' || a === '--goto');
  return i >= 0 ? args[i + 1] : undefined;
};

/** Does the rule carry the comment the CNI plugins give our network's rules? */
function ours(args: readonly string[], network: string): boolean {
  const i = args.indexOf('--comment');
  const comment = i >= 0 ? args[i + 1] ?? '' : '';
  return new RegExp(`(^|\\s)name: "${network.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"(\\s|$)`).test(comment);
}

async function cleanTable(run: Runner, iptables: string, table: string, t: IptablesTable, network: string): Promise<{ rules: number; chains: string[] }> {
  let rules = 0;
  const deleteRule = async (r: { chain: string; args: string[] }) => {
    await run(iptables, ['-w', '-t', table, '-D', r.chain, ...r.args]).then(() => { rules++; }, () => undefined);
  };
  const removeChain = async (c: string) => {
    await run(iptables, ['-w', '-t', table, '-F', c]).catch(() => undefined);
    return run(iptables, ['-w', '-t', table, '-X', c]).then(() => true, () => false);
  };
  const mine = t.rules.filter((r) => ours(r.args, network));
  const chains = new Set(mine.map((r) => target(r.args)).filter((c): c is string => !!c && c.startsWith('CNI-') && !c.startsWith(HOSTPORT_PREFIX)));
  for (const r of mine) await deleteRule(r);
  // A per-pod chain goes once nothing else jumps to it.
  const removed: string[] = [];
  for (const c of chains) {
    const stillUsed = t.rules.some((r) => !mine.includes(r) && !chains.has(r.chain) && target(r.args) === c);
    if (!stillUsed && await removeChain(c)) removed.push(c);
  }
  // portmap's shared scaffolding, when no pod of any network has a hostPort left in it.
  const left = t.rules.filter((r) => !mine.includes(r) && !chains.has(r.chain));
  const hostportChains = t.chains.filter((c) => c.startsWith(HOSTPORT_PREFIX));
  const inUse = left.some((r) => r.chain === `${HOSTPORT_PREFIX}DNAT`);
  if (hostportChains.length > 0 && !inUse) {
    for (const r of left) {
      if (BUILTIN_CHAINS.has(r.chain) && (target(r.args) ?? '').startsWith(HOSTPORT_PREFIX)) await deleteRule(r);
    }
    for (const c of hostportChains) await run(iptables, ['-w', '-t', table, '-F', c]).catch(() => undefined);
    for (const c of hostportChains) if (await removeChain(c)) removed.push(c);
  }
  return { rules, chains: removed };
}

// ---- running commands ---------------------------------------------------------------------------

type Runner = (cmd: string, args: readonly string[]) => Promise<string>;

/** Runs a command here, or inside /run/netns/NAME through nsenter (not `ip netns exec`, which remounts /sys). */
function commandRunner(netns: string | undefined): Runner {
  return (cmd, args) => new Promise((resolve, reject) => {
    const [file, argv] = netns ? ['nsenter', [`--net=/run/netns/${netns}`, cmd, ...args]] : [cmd, [...args]];
    execFile(file, argv, { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}
