// A store whose get() a test decides (slow, or stale once); every other method is the store's own.
import type { KeyValue, Store } from '../../src/storage/index.js';

export function withGet(store: Store, get: (store: Store, key: string, revision?: number) => Promise<KeyValue | undefined>): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'get') return (key: string, revision?: number) => get(target, key, revision);
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
