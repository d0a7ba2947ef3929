export { withWatchCache, resourcePrefixOf } from './cache.js';
export type { CachedStore, WatchCacheOptions, WatchCacheStats } from './cache.js';
export type { ResourceStats } from './resource.js';
