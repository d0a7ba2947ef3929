export * from './types.js';
export { openStore, sqlitePath, etcdEndpoints } from './open.js';
export type { OpenStoreOptions } from './open.js';
export { startCompactor, compactionTarget } from './compactor.js';
export type { CompactorOptions, RunningCompactor } from './compactor.js';
export { SqliteStore, openSqliteStore, INITIAL_REVISION } from './sqlite/index.js';
export type { SqliteStoreOptions, StoreLogger } from './sqlite/index.js';
export { EtcdStore, openEtcdStore, EtcdUnavailableError, DEFAULT_COMPACT_KEY } from './etcd/index.js';
export type { EtcdStoreOptions, EtcdTlsFiles } from './etcd/index.js';
