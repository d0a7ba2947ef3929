// Reads the current context of a kubeconfig file into a ClientConfig (certificate or token auth).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface ClientConfig {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  userAgent?: string;
  /** Most concurrent connections to the server (default 64). */
  maxSockets?: number;
}

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }

function pick<T>(list: Named<T>[] | undefined, name: string, what: string): Record<string, string> {
  const entry = (list ?? []).find((e) => e.name === name);
  if (!entry) throw new Error(`kubeconfig: ${what} "${name}" not found`);
  return (entry.cluster ?? entry.user ?? entry.context ?? {}) as Record<string, string>;
}

function material(base: string, data: string | undefined, file: string | undefined): string | undefined {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (file) return readFileSync(resolve(base, file), 'utf8');
  return undefined;
}

export function loadKubeconfig(path: string, context?: string): ClientConfig {
  return parseKubeconfig(readFileSync(path, 'utf8'), { baseDir: dirname(path), ...(context ? { context } : {}) });
}

/** A kubeconfig's text → ClientConfig; relative file paths in it resolve against `baseDir`. */
export function parseKubeconfig(text: string, o: { baseDir?: string; context?: string } = {}): ClientConfig {
  const context = o.context;
  const doc = parse(text) as Record<string, unknown>;
  const base = o.baseDir ?? process.cwd();
  const ctxName = context ?? (doc['current-context'] as string | undefined);
  if (!ctxName) throw new Error('kubeconfig: no current-context');
  const ctx = pick(doc.contexts as Named<unknown>[], ctxName, 'context');
  const cluster = pick(doc.clusters as Named<unknown>[], ctx.cluster ?? '', 'cluster');
  const user = ctx.user ? pick(doc.users as Named<unknown>[], ctx.user, 'user') : {};
  if (!cluster.server) throw new Error(`kubeconfig: cluster "${ctx.cluster}" has no server`);
  const cfg: ClientConfig = { server: cluster.server };
  const ca = material(base, cluster['certificate-authority-data'], cluster['certificate-authority']);
  const cert = material(base, user['client-certificate-data'], user['client-certificate']);
  const key = material(base, user['client-key-data'], user['client-key']);
  const token = user.token ?? (user.tokenFile ? readFileSync(resolve(base, user.tokenFile), 'utf8').trim() : undefined);
  if (ca) cfg.caPem = ca;
  if (cert) cfg.certPem = cert;
  if (key) cfg.keyPem = key;
  if (token) cfg.token = token;
  return cfg;
}

export { renderKubeconfig, type KubeconfigSpec } from '../machinery/kubeconfig.js';
