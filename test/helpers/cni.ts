// Runs a CNI conflist the way libcni does (CNI spec 1.0 "network configuration lists"): each
// plugin in order with CNI_COMMAND=ADD, the previous plugin's result as prevResult and the
// capabilities it declares filled from runtimeConfig; DEL in reverse order. For tests that check
// a conflist with the real plugins without a container runtime. The plugins run in the network
// namespace that plays the node (`nodeNetns`), so the host's own network is never touched.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export const CNI_BIN_DIR = '/usr/lib/cni';

export interface CniRun {
  conflistPath: string;
  /** Named netns (/run/netns/NAME) the plugins run in: the node. */
  nodeNetns: string;
  /** Named netns of the pod. */
  podNetns: string;
  containerId: string;
  ifName?: string;
  /** Values for the capabilities plugins declare, e.g. { portMappings: [...] }. */
  runtimeConfig?: Record<string, unknown>;
}

interface Conflist { cniVersion: string; name: string; plugins: Array<Record<string, unknown>> }

async function loadConflist(path: string): Promise<Conflist> {
  return JSON.parse(await readFile(path, 'utf8')) as Conflist;
}

function pluginConfig(list: Conflist, plugin: Record<string, unknown>, run: CniRun, prevResult: unknown): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...plugin, cniVersion: list.cniVersion, name: list.name };
  const caps = plugin['capabilities'] as Record<string, boolean> | undefined;
  const rc: Record<string, unknown> = {};
  for (const [cap, on] of Object.entries(caps ?? {})) if (on && run.runtimeConfig?.[cap] !== undefined) rc[cap] = run.runtimeConfig[cap];
  if (Object.keys(rc).length > 0) conf['runtimeConfig'] = rc;
  if (prevResult !== undefined) conf['prevResult'] = prevResult;
  return conf;
}

function execPlugin(command: 'ADD' | 'DEL', plugin: Record<string, unknown>, conf: Record<string, unknown>, run: CniRun): Promise<string> {
  const type = String(plugin['type']);
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: command, CNI_CONTAINERID: run.containerId, CNI_NETNS: `/run/netns/${run.podNetns}`,
    CNI_IFNAME: run.ifName ?? 'eth0', CNI_PATH: CNI_BIN_DIR,
  };
  return new Promise((resolve, reject) => {
    const child = execFile('nsenter', [`--net=/run/netns/${run.nodeNetns}`, `${CNI_BIN_DIR}/${type}`], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`CNI ${command} ${type}: ${stdout}${stderr}${err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(JSON.stringify(conf));
  });
}

/** ADD through every plugin; resolves with the final result (CNI 1.0 result JSON). */
export async function cniAdd(run: CniRun): Promise<{ ips: Array<{ address: string; gateway?: string }>; interfaces: Array<{ name: string }> }> {
  const list = await loadConflist(run.conflistPath);
  let result: unknown;
  for (const plugin of list.plugins) {
    result = JSON.parse(await execPlugin('ADD', plugin, pluginConfig(list, plugin, run, result), run));
  }
  return result as { ips: Array<{ address: string; gateway?: string }>; interfaces: Array<{ name: string }> };
}

/** DEL through every plugin in reverse order. */
export async function cniDel(run: CniRun): Promise<void> {
  const list = await loadConflist(run.conflistPath);
  for (const plugin of [...list.plugins].reverse()) await execPlugin('DEL', plugin, pluginConfig(list, plugin, run, undefined), run);
}
