// `k8ts sim`: hollow nodes joining a cluster through its kubeconfig, until SIGTERM/SIGINT.
import { resolve } from 'node:path';
import type { ParsedFlags } from './flags.js';
import { FlagError } from './flags.js';
import { createLogger } from './logger.js';
import { createClient, loadKubeconfig } from '../client/index.js';
import { parseCidr } from '../controllers/nodeipam/cidr.js';
import { tryParseQuantity } from '../machinery/quantity.js';
import { startSimNodes, type SimNodeSpec, type SimTaint } from '../kubelet/runtime/sim/index.js';
import { parseDuration } from './durations.js';
export { simCommand } from './sim-spec.js';

export interface SimConfig {
  kubeconfig: string;
  nodes: number;
  namePrefix: string;
  cpu: string;
  memory: string;
  pods: number;
  labels: Readonly<Record<string, string>>;
  taints: readonly SimTaint[];
  startDelayMs: number;
  terminationGraceCapMs: number;
  crashBackoffMs: number;
  heartbeatMs: number;
  statusReportMs: number;
  nodeWorkers: number;
  podWorkers: number;
  nodeIpCidr: string;
  fallbackPodCidr: string;
  logLevel: string;
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

function count(f: ParsedFlags, name: string, min: number): number {
  const n = Number(f[name]);
  if (!Number.isInteger(n) || n < min) throw new FlagError(`--${name}: want an integer >= ${min}, got "${f[name]}"`);
  return n;
}

function duration(f: ParsedFlags, name: string, min = 0): number {
  const ms = parseDuration(name, f[name] ?? '');
  if (ms < min) throw new FlagError(`--${name}: ${f[name]} is too short (at least ${min}ms)`);
  return ms;
}

function quantity(f: ParsedFlags, name: string): string {
  const v = f[name] ?? '';
  if (!tryParseQuantity(v)) throw new FlagError(`--${name}: invalid quantity "${v}" (examples: 4, 500m, 16Gi)`);
  return v;
}

export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FlagError(`--labels: "${part}" is not key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** `key=value:Effect` or `key:Effect`, comma separated (kubectl taint syntax). */
export function parseTaints(text: string): SimTaint[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((part) => {
    const colon = part.lastIndexOf(':');
    const effect = part.slice(colon + 1);
    if (colon <= 0 || !(EFFECTS as readonly string[]).includes(effect)) {
      throw new FlagError(`--taints: "${part}" is not key[=value]:Effect with Effect one of ${EFFECTS.join(', ')}`);
    }
    const kv = part.slice(0, colon);
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (!key) throw new FlagError(`--taints: "${part}" has no key`);
    return { key, ...(eq < 0 ? {} : { value: kv.slice(eq + 1) }), effect: effect as SimTaint['effect'] };
  });
}

function cidr(f: ParsedFlags, name: string): string {
  const v = f[name] ?? '';
  try { parseCidr(v); } catch { throw new FlagError(`--${name}: invalid IPv4 CIDR "${v}"`); }
  return v;
}

export function simConfig(f: ParsedFlags): Readonly<SimConfig> {
  return Object.freeze({
    // KUBECONFIG may list several files: the first one is used.
    kubeconfig: resolve((f.kubeconfig ?? '').split(':')[0] ?? ''),
    nodes: count(f, 'nodes', 0),
    namePrefix: f['name-prefix'] ?? 'sim-node-',
    cpu: quantity(f, 'cpu'),
    memory: quantity(f, 'memory'),
    pods: count(f, 'pods', 1),
    labels: Object.freeze(parseLabels(f.labels ?? '')),
    taints: Object.freeze(parseTaints(f.taints ?? '')),
    startDelayMs: duration(f, 'start-delay'),
    terminationGraceCapMs: duration(f, 'termination-grace-cap'),
    crashBackoffMs: duration(f, 'crash-backoff', 1),
    heartbeatMs: duration(f, 'heartbeat', 100),
    statusReportMs: duration(f, 'status-report', 100),
    nodeWorkers: count(f, 'node-workers', 1),
    podWorkers: count(f, 'pod-workers', 1),
    nodeIpCidr: cidr(f, 'node-ip-cidr'),
    fallbackPodCidr: cidr(f, 'fallback-pod-cidr'),
    logLevel: f['log-level'] ?? 'info',
  });
}

export function nodeSpecs(cfg: Readonly<SimConfig>): SimNodeSpec[] {
  return Array.from({ length: cfg.nodes }, (_, i) => ({
    name: `${cfg.namePrefix}${i}`, cpu: cfg.cpu, memory: cfg.memory, pods: cfg.pods, labels: cfg.labels, taints: cfg.taints,
  }));
}

export async function runSim(f: ParsedFlags): Promise<number> {
  const cfg = simConfig(f);
  const log = createLogger(cfg.logLevel, 'k8ts-sim');
  let clientCfg;
  try {
    clientCfg = loadKubeconfig(cfg.kubeconfig);
  } catch (e) {
    throw new FlagError(`--kubeconfig: cannot read ${cfg.kubeconfig}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const client = createClient({ ...clientCfg, userAgent: 'k8ts-sim', maxSockets: cfg.nodeWorkers + cfg.podWorkers + 8 });
  const stopSignal = new Promise<string>((res) => {
    const on = (sig: string) => () => { process.off('SIGTERM', onTerm); process.off('SIGINT', onInt); res(sig); };
    const onTerm = on('SIGTERM');
    const onInt = on('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  const started = Date.now();
  const sim = await startSimNodes({
    client, log, nodes: nodeSpecs(cfg),
    heartbeatMs: cfg.heartbeatMs, statusReportMs: cfg.statusReportMs, podStartDelayMs: cfg.startDelayMs,
    terminationGraceCapMs: cfg.terminationGraceCapMs, crashLoopBackoffMs: cfg.crashBackoffMs,
    nodeWorkers: cfg.nodeWorkers, podWorkers: cfg.podWorkers, nodeIpCidr: cfg.nodeIpCidr, fallbackPodCidr: cfg.fallbackPodCidr,
  });
  log.info({ nodes: cfg.nodes, prefix: cfg.namePrefix, server: clientCfg.server, ms: Date.now() - started }, 'k8ts sim nodes are running');
  const sig = await stopSignal;
  log.info({ signal: sig }, 'stopping: the nodes stay registered and stop heartbeating');
  await sim.stop();
  client.close();
  log.flush();
  return 0;
}
