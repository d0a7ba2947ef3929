// SPDX-License-Identifier: Apache-2.0
// The admin kubeconfig `k8ts server` writes (k3s writes /etc/rancher/k3s/k3s.yaml the same way):
// one cluster, one user, one context, credentials embedded as base64 `*-data` fields so the
// file is self-contained. Format: k8s.io/client-go/tools/clientcmd/api/v1 (types.go).
// https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
import { readFile, mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { renderKubeconfig } from '../../machinery/kubeconfig.js';
import { writeFileAtomic } from './pki.js';

export interface AdminKubeconfigOptions {
  /** The API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  clusterName?: string;
  userName?: string;
  contextName?: string;
}

/** The current context of a kubeconfig, resolved to what a client needs to connect. */
export interface KubeconfigCredentials {
  contextName: string;
  clusterName: string;
  userName: string;
  server: string;
  /** PEM; undefined when the cluster trusts the system roots. */
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify: boolean;
}

/** Renders the kubeconfig YAML (what `k8ts kubeconfig` prints). */
export function renderAdminKubeconfig(opts: AdminKubeconfigOptions): string {
  return renderKubeconfig({
    server: opts.server, caPem: opts.caPem, user: { certPem: opts.certPem, keyPem: opts.keyPem },
    clusterName: opts.clusterName ?? 'k8ts', userName: opts.userName ?? 'admin', contextName: opts.contextName ?? 'k8ts',
  });
}

/** Writes the admin kubeconfig with mode 0600 (it holds a cluster-admin key), replacing any old one. */
export async function writeAdminKubeconfig(path: string, opts: AdminKubeconfigOptions): Promise<void> {
  const text = renderAdminKubeconfig(opts);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text, 0o600);
}

/**
 * Reads a kubeconfig and resolves its current context (or `opts.context`). Certificate fields
 * may be embedded (`*-data`, base64) or file paths, relative to the kubeconfig's directory as
 * clientcmd resolves them. The `data` form wins when both are set, as in client-go.
 */
export async function readKubeconfig(path: string, opts: { context?: string } = {}): Promise<KubeconfigCredentials> {
  const text = await readFile(path, 'utf8');
  const doc: unknown = parse(text);
  if (!isRecord(doc)) throw new Error(`${path}: not a kubeconfig (expected a YAML mapping)`);
  const contextName = opts.context ?? str(doc['current-context']);
  if (!contextName) throw new Error(`${path}: no current-context set`);
  const context = named(doc, 'contexts', 'context', contextName, path);
  const clusterName = str(context['cluster']) ?? '';
  const userName = str(context['user']) ?? '';
  const cluster = named(doc, 'clusters', 'cluster', clusterName, path);
  const user = userName === '' ? {} : named(doc, 'users', 'user', userName, path);
  const server = str(cluster['server']);
  if (!server) throw new Error(`${path}: cluster "${clusterName}" has no server`);
  const baseDir = dirname(path);
  const creds: KubeconfigCredentials = {
    contextName, clusterName, userName, server,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  const caPem = await pemField(cluster, 'certificate-authority', baseDir);
  const certPem = await pemField(user, 'client-certificate', baseDir);
  const keyPem = await pemField(user, 'client-key', baseDir);
  const token = str(user['token']);
  if (caPem !== undefined) creds.caPem = caPem;
  if (certPem !== undefined) creds.certPem = certPem;
  if (keyPem !== undefined) creds.keyPem = keyPem;
  if (token !== undefined) creds.token = token;
  return creds;
}

/** Finds `{name, <inner>: {...}}` in the list `listKey`, as clientcmd's named lists are laid out. */
function named(doc: Record<string, unknown>, listKey: string, inner: string, name: string, path: string): Record<string, unknown> {
  const list = doc[listKey];
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (isRecord(entry) && entry['name'] === name) {
        const value = entry[inner];
        return isRecord(value) ? value : {};
      }
    }
  }
  throw new Error(`${path}: ${inner} "${name}" not found in ${listKey}`);
}

async function pemField(obj: Record<string, unknown>, field: string, baseDir: string): Promise<string | undefined> {
  const data = str(obj[`${field}-data`]);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(obj[field]);
  if (file === undefined) return undefined;
  return readFile(isAbsolute(file) ? file : resolve(baseDir, file), 'utf8');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
