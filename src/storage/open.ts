// Datastore endpoints, named like k3s/kine's --datastore-endpoint:
//   '' (or absent)        SQLite file ${dataDir}/db/state.db (k3s's default location)
//   sqlite::memory:       a throwaway in-memory store (tests)
//   sqlite:///abs/path.db an absolute file; sqlite://rel/path.db is relative to the working directory
//   https://h1:2379,https://h2:2379   etcd members over TLS (k3s's form); http://... without TLS
//   etcd://h1:2379,h2:2379            etcd members, TLS when etcd TLS files are given
// Anything else (postgres, mysql, ...) is refused by name.
// https://docs.k3s.io/datastore
// https://docs.k3s.io/datastore/ha#external-datastore-configuration-parameters

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { openEtcdStore, parseEndpoints } from './etcd/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { StoreLogger } from './sqlite/index.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** The server's data directory; the default SQLite file lives under it. */
  dataDir: string;
  logger?: StoreLogger;
  /** etcd: CA bundle that signed the members' certificates (k3s --datastore-cafile). */
  etcdCaFile?: string;
  /** etcd: client certificate for etcd's --client-cert-auth (k3s --datastore-certfile). */
  etcdCertFile?: string;
  /** etcd: the client certificate's key (k3s --datastore-keyfile). */
  etcdKeyFile?: string;
}

const SUPPORTED = '"", sqlite::memory:, sqlite://PATH, etcd://HOST:PORT[,...], https://HOST:PORT[,...], http://HOST:PORT[,...]';

/** Where a SQLite endpoint points: a file path or ':memory:'. Throws for other endpoints. */
export function sqlitePath(endpoint: string | undefined, dataDir: string): string {
  if (endpoint === undefined || endpoint === '') return join(dataDir, 'db', 'state.db');
  if (endpoint === 'sqlite::memory:') return ':memory:';
  if (endpoint.startsWith('sqlite://')) {
    const rest = endpoint.slice('sqlite://'.length);
    if (rest.includes('?')) {
      throw new Error(`datastore endpoint "${endpoint}": query parameters are not supported`);
    }
    if (rest === '') return join(dataDir, 'db', 'state.db');
    return resolve(rest);
  }
  throw new Error(`datastore endpoint "${endpoint}" is not supported (supported: ${SUPPORTED})`);
}

/**
 * The etcd members an endpoint names (as the etcd store takes them), or undefined when it is not
 * an etcd endpoint. Throws for a malformed etcd endpoint.
 */
export function etcdEndpoints(endpoint: string | undefined): string[] | undefined {
  if (endpoint === undefined) return undefined;
  let members: string[];
  if (endpoint.startsWith('etcd://')) {
    members = endpoint.slice('etcd://'.length).split(',');
    if (members.some((m) => m.includes('://'))) {
      throw new Error(`datastore endpoint "${endpoint}": list members as etcd://host:port,host:port`);
    }
  } else if (/^https?:\/\//.test(endpoint)) {
    members = endpoint.split(',');
    if (!members.every((m) => /^https?:\/\//.test(m))) {
      throw new Error(`datastore endpoint "${endpoint}": give every member its scheme, as https://h1:2379,https://h2:2379`);
    }
  } else {
    return undefined;
  }
  if (members.some((m) => m.trim() === '' || m.trim() === 'http://' || m.trim() === 'https://')) {
    throw new Error(`datastore endpoint "${endpoint}": an empty member`);
  }
  try {
    parseEndpoints(members);
  } catch (e) {
    throw new Error(`datastore endpoint "${endpoint}": ${(e as Error).message}`);
  }
  return members.map((m) => m.trim());
}

/** Opens the store an endpoint names, creating the SQLite file's directory when needed. */
export async function openStore(endpoint: string | undefined, opts: OpenStoreOptions): Promise<Store> {
  const etcd = etcdEndpoints(endpoint);
  const tls = { caFile: opts.etcdCaFile || undefined, certFile: opts.etcdCertFile || undefined, keyFile: opts.etcdKeyFile || undefined };
  if (etcd !== undefined) {
    opts.logger?.info({ endpoint, endpoints: etcd, tls: tls.caFile !== undefined || tls.certFile !== undefined }, 'opening datastore');
    return openEtcdStore({ endpoints: etcd, ...tls, ...(opts.logger === undefined ? {} : { logger: opts.logger }) });
  }
  if (tls.caFile ?? tls.certFile ?? tls.keyFile) {
    throw new Error(`etcd TLS files were given, but datastore endpoint "${endpoint ?? ''}" is not etcd`);
  }
  const path = sqlitePath(endpoint, opts.dataDir);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  opts.logger?.info({ endpoint: endpoint ?? '', path }, 'opening datastore');
  return openSqliteStore(opts.logger === undefined ? { path } : { path, logger: opts.logger });
}
