// Datastore endpoints, named like k3s/kine's --datastore-endpoint:
//   '' (or absent)        SQLite file ${dataDir}/db/state.db (k3s's default location)
//   sqlite::memory:       a throwaway in-memory store (tests)
//   sqlite:///abs/path.db an absolute file; sqlite://rel/path.db is relative to the working directory
// Anything else (etcd, postgres, ...) is refused by name until it exists.
// https://docs.k3s.io/datastore

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { openSqliteStore } from './sqlite/index.js';
import type { StoreLogger } from './sqlite/index.js';
import type { Store } from './types.js';

export interface OpenStoreOptions {
  /** The server's data directory; the default SQLite file lives under it. */
  dataDir: string;
  logger?: StoreLogger;
  /** TLS for etcd endpoints (k3s' --datastore-cafile, --datastore-certfile, --datastore-keyfile). */
  etcdCaFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
}

/** Where a SQLite endpoint points: a file path or ':memory:'. Throws for unsupported endpoints. */
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
  throw new Error(`datastore endpoint "${endpoint}" is not supported (supported: "", sqlite::memory:, sqlite://PATH)`);
}

/** Opens the store an endpoint names, creating the SQLite file's directory when needed. */
export async function openStore(endpoint: string | undefined, opts: OpenStoreOptions): Promise<Store> {
  const path = sqlitePath(endpoint, opts.dataDir);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  opts.logger?.info({ endpoint: endpoint ?? '', path }, 'opening datastore');
  return openSqliteStore(opts.logger === undefined ? { path } : { path, logger: opts.logger });
}
