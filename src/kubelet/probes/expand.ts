// $(VAR) references in an exec probe's command, expanded as the kubelet does for probes: from the
// container's `env` values only (ExpandContainerCommandOnlyStatic) — valueFrom entries expand to ""
// and nothing else (downward API, secrets) is consulted. Syntax (third_party/forked/golang/expansion):
// `$(NAME)` → the value, or left as written when NAME is not defined; `$$` → `$`; any other `$` is kept.

/** Expands $(NAME) references in `input` with `lookup`. */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar < 0 || dollar === input.length - 1) { out += input.slice(i); break; }
    out += input.slice(i, dollar);
    const next = input[dollar + 1];
    if (next === '$') { out += '$'; i = dollar + 2; continue; }
    if (next === '(') {
      const close = input.indexOf(')', dollar + 2);
      if (close >= 0) {
        const name = input.slice(dollar + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
        continue;
      }
      out += '$(';
      i = dollar + 2;
      continue;
    }
    out += `$${next}`;
    i = dollar + 2;
  }
  return out;
}

/** An exec probe's command with the container's static env values substituted. */
export function expandProbeCommand(cmd: readonly string[], env: ReadonlyArray<{ name: string; value?: string }> | undefined): string[] {
  const values = new Map<string, string>();
  for (const e of env ?? []) values.set(e.name, e.value ?? '');
  return cmd.map((arg) => expandVars(arg, (name) => values.get(name)));
}
