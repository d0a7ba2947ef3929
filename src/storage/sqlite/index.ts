export { SqliteStore, openSqliteStore } from './store.js';
export type { SqliteStoreOptions, StoreLogger } from './store.js';
export { WatchOverflowError } from './watch-hub.js';
export { INITIAL_REVISION } from './schema.js';
