// What HTTP handlers share.
import type { Logger } from 'pino';
import type { ResourceDef, TableDef } from '../../api/types.js';
import type { RegistryDeps } from '../registry/context.js';

export interface UserInfo { name: string; groups: string[] }

export interface HandlerContext {
  deps: RegistryDeps;
  log: Logger;
  tableFor(def: ResourceDef): TableDef;
  /** Seconds between watch bookmarks. */
  bookmarkIntervalSeconds: number;
}
