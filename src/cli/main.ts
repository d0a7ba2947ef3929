// The k8ts command: one binary, several roles (as k3s): server, kubeconfig, version.
import { readFile } from 'node:fs/promises';
import { helpText, parseFlags, FlagError, type CommandSpec, type ParsedFlags } from './flags.js';
import { CommandError } from './errors.js';
import { defaultDataDir, kubeconfigPath } from './data-dir.js';
import { serverCommand } from './server-spec.js';
import { simCommand } from './sim-spec.js';
import { agentCommand } from './agent-spec.js';
import { downCommand, upCommand } from './up-spec.js';
import { tokenCommand } from './token-spec.js';
import { kubectlCommand, runKubectl } from './kubectl.js';
import { K8TS_VERSION, KUBE_VERSION } from '../apiserver/handlers/misc.js';

const kubeconfigCommand: CommandSpec = {
  name: 'kubeconfig',
  summary: 'Print the admin kubeconfig of the cluster whose data dir is given.',
  usage: 'k8ts kubeconfig [--data-dir DIR] > ~/.kube/config',
  flags: [{ name: 'data-dir', env: 'K8TS_DATA_DIR', default: defaultDataDir, description: '(data) The server\'s data directory' }],
};

const versionCommand: CommandSpec = {
  name: 'version',
  summary: 'Print the k8ts version and the Kubernetes API version it serves.',
  usage: 'k8ts version',
  flags: [],
};

interface Command {
  spec: CommandSpec;
  run(f: ParsedFlags): Promise<number>;
  /** Commands that take their arguments unparsed (k8ts kubectl passes everything on). */
  raw?(argv: readonly string[]): Promise<number>;
}

const commands: Record<string, Command> = {
  // Commands load their implementation on use, so `k8ts --help` does not load the API server.
  server: { spec: serverCommand, run: async (f) => (await import('./server.js')).runServer(f) },
  sim: { spec: simCommand, run: async (f) => (await import('./sim.js')).runSim(f) },
  agent: { spec: agentCommand, run: async (f) => (await import('./agent.js')).runAgent(f) },
  up: { spec: upCommand, run: async (f) => (await import('./up.js')).runUp(f) },
  down: { spec: downCommand, run: async (f) => (await import('./up.js')).runDown(f) },
  token: { spec: tokenCommand, run: async (f) => (await import('./token.js')).runToken(f) },
  kubectl: { spec: kubectlCommand, run: async () => 1, raw: (argv) => runKubectl(argv) },
  kubeconfig: {
    spec: kubeconfigCommand,
    run: async (f) => {
      const path = kubeconfigPath(f['data-dir'] ?? defaultDataDir());
      try {
        process.stdout.write(await readFile(path, 'utf8'));
        return 0;
      } catch {
        process.stderr.write(`k8ts: no kubeconfig at ${path}: has "k8ts server --data-dir ${f['data-dir']}" run?\n`);
        return 1;
      }
    },
  },
  version: {
    spec: versionCommand,
    run: async () => {
      process.stdout.write(`k8ts version v${K8TS_VERSION}\nKubernetes API v${KUBE_VERSION.major}.${KUBE_VERSION.minor} (${KUBE_VERSION.gitVersion})\nNode.js ${process.version}\n`);
      return 0;
    },
  },
};

function usage(): string {
  const lines = ['k8ts: a Kubernetes-compatible container orchestrator.', '', 'Usage:\n  k8ts COMMAND [flags]', '', 'Commands:'];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(12)}${c.spec.summary}`);
  lines.push('', 'Run "k8ts COMMAND --help" for a command\'s flags.');
  return `${lines.join('\n')}\n`;
}

export async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { process.stdout.write(usage()); return name ? 0 : 1; }
  const cmd = commands[name];
  if (!cmd) { process.stderr.write(`k8ts: unknown command "${name}"\n\n${usage()}`); return 1; }
  if (cmd.raw) return cmd.raw(rest);
  if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(helpText(cmd.spec)); return 0; }
  try {
    return await cmd.run(parseFlags(cmd.spec, rest));
  } catch (e) {
    if (e instanceof FlagError) { process.stderr.write(`k8ts ${name}: ${e.message}\n\n${helpText(cmd.spec)}`); return 2; }
    // etcd's by name: importing the storage layer here would load it for every command.
    const known = e instanceof CommandError || (e instanceof Error && e.name === 'EtcdUnavailableError');
    process.stderr.write(`k8ts ${name}: ${e instanceof Error ? (known ? e.message : e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
