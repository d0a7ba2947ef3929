export { EtcdStore, openEtcdStore, DEFAULT_COMPACT_KEY } from './store.js';
export type { EtcdStoreOptions } from './store.js';
export { EtcdUnavailableError, parseEndpoints } from './client.js';
export type { EtcdTlsFiles } from './client.js';
