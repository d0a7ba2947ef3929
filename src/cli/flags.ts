// A small flag parser for the k8ts commands: `--name value`, `--name=value`, booleans, with each
// flag's default, environment variable and help text declared once.

export interface FlagSpec {
  name: string;
  description: string;
  /** Environment variable read when the flag is absent. */
  env?: string;
  default?: string | (() => string);
  boolean?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec[];
}

export class FlagError extends Error {}

export type ParsedFlags = Readonly<Record<string, string>> & { readonly _: readonly string[] };

export function parseFlags(spec: CommandSpec, argv: readonly string[]): ParsedFlags {
  const byName = new Map(spec.flags.map((f) => [f.name, f]));
  const out: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') { rest.push(...argv.slice(i + 1)); break; }
    if (!arg.startsWith('--')) { rest.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    const f = byName.get(name);
    if (!f) throw new FlagError(`unknown flag: --${name}`);
    if (f.boolean) {
      out[name] = eq > 0 ? arg.slice(eq + 1) : 'true';
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new FlagError(`flag needs an argument: --${name}`);
    out[name] = value;
  }
  for (const f of spec.flags) {
    if (out[f.name] !== undefined) continue;
    const fromEnv = f.env ? process.env[f.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') out[f.name] = fromEnv;
    else if (f.default !== undefined) out[f.name] = typeof f.default === 'function' ? f.default() : f.default;
    else if (f.boolean) out[f.name] = 'false';
  }
  return Object.freeze(Object.assign(out, { _: Object.freeze(rest) })) as ParsedFlags;
}

export function helpText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `Usage:\n  ${spec.usage}`, ''];
  if (spec.flags.length) {
    lines.push('Flags:');
    for (const f of spec.flags) {
      const def = f.default === undefined ? '' : ` (default ${JSON.stringify(typeof f.default === 'function' ? f.default() : f.default)})`;
      const env = f.env ? ` [$${f.env}]` : '';
      lines.push(`  --${f.name}${f.boolean ? '' : ' VALUE'}`.padEnd(34) + `${f.description}${def}${env}`);
    }
    lines.push('  --help'.padEnd(34) + 'Show this help');
  }
  return `${lines.join('\n')}\n`;
}
