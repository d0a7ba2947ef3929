// `k8ts token`: join tokens as bootstrap-token Secrets, through the API with admin credentials.
import { R, createClient, loadKubeconfig, type ApiClient } from '../client/index.js';
import { isStatusError } from '../machinery/errors.js';
import type { KubeObject } from '../machinery/object.js';
import { parseDuration } from '../machinery/duration.js';
import { humanDuration } from '../api/resources/index.js';
import {
  BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_PREFIX, BOOTSTRAP_TOKEN_SECRET_TYPE, DEFAULT_NODE_TOKEN_GROUP,
  bootstrapTokenSecret, caCertHash, formatJoinToken, generateBootstrapToken, parseJoinToken, readBootstrapTokenSecret,
} from '../machinery/bootstrap-token.js';
import { FlagError, type ParsedFlags } from './flags.js';
import { kubeconfigPath } from './data-dir.js';

export { tokenCommand } from './token-spec.js';

export async function runToken(f: ParsedFlags): Promise<number> {
  const [sub, ...args] = f._;
  if (sub !== 'create' && sub !== 'list' && sub !== 'delete') {
    throw new FlagError(sub ? `unknown subcommand "${sub}" (create, list, delete)` : 'a subcommand is needed: create, list or delete');
  }
  const path = f['kubeconfig'] || kubeconfigPath(f['data-dir'] ?? '');
  let cfg;
  try { cfg = loadKubeconfig(path); } catch (e) {
    throw new FlagError(`cannot read the kubeconfig ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!cfg.caPem) throw new FlagError(`${path} has no certificate-authority: the token's CA hash cannot be computed`);
  const caHash = caCertHash(cfg.caPem);
  const client = createClient({ ...cfg, userAgent: 'k8ts-token' });
  try {
    if (sub === 'create') return await create(client, caHash, f);
    if (sub === 'list') return await list(client, caHash);
    return await remove(client, args);
  } finally {
    client.close();
  }
}

async function create(client: ApiClient, caHash: string, f: ParsedFlags): Promise<number> {
  const ttlText = f['ttl'] ?? '24h';
  const ttlMs = ttlText === '0' ? 0 : parseDuration(ttlText);
  if (ttlMs === undefined) throw new FlagError(`--ttl: invalid duration "${ttlText}" (examples: 30m, 24h, 0 for never)`);
  for (let attempt = 0; ; attempt++) {
    const token = generateBootstrapToken();
    const secret = bootstrapTokenSecret(token, {
      ...(ttlMs > 0 ? { expiresAt: Date.now() + ttlMs } : {}),
      ...(f['description'] ? { description: f['description'] } : {}),
      usages: ['authentication', 'signing'], extraGroups: [DEFAULT_NODE_TOKEN_GROUP],
    });
    try {
      await client.create(R.secrets, BOOTSTRAP_TOKEN_NAMESPACE, secret);
    } catch (e) {
      if (isStatusError(e) && e.code === 409 && attempt < 3) continue; // the id is taken: draw another
      throw e;
    }
    process.stdout.write(`${formatJoinToken(token, caHash)}\n`);
    return 0;
  }
}

async function list(client: ApiClient, caHash: string): Promise<number> {
  const secrets = await client.list<KubeObject>(R.secrets, BOOTSTRAP_TOKEN_NAMESPACE, { fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}` });
  const now = Date.now();
  const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
  for (const s of secrets.items) {
    const t = readBootstrapTokenSecret(s);
    if (!t) continue;
    const ttl = t.expiresAt === undefined ? '<forever>' : t.expiresAt <= now ? '<expired>' : humanDuration(t.expiresAt - now);
    rows.push([
      formatJoinToken(t.token, caHash), ttl, t.expiresAt === undefined ? '<never>' : new Date(t.expiresAt).toISOString().replace('.000Z', 'Z'),
      [...t.usages].join(','), t.description ?? '<none>', t.extraGroups.join(',') || '<none>',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3)).join('')}\n`);
  return 0;
}

async function remove(client: ApiClient, args: readonly string[]): Promise<number> {
  if (args.length === 0) throw new FlagError('token delete: give the token id (or the whole token)');
  for (const a of args) {
    let id = a;
    try { id = parseJoinToken(a).token.id; } catch { /* a bare id */ }
    try {
      await client.delete(R.secrets, BOOTSTRAP_TOKEN_NAMESPACE, `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`);
      process.stdout.write(`bootstrap token "${id}" deleted\n`);
    } catch (e) {
      if (isStatusError(e) && e.code === 404) { process.stderr.write(`bootstrap token "${id}" not found\n`); return 1; }
      throw e;
    }
  }
  return 0;
}
