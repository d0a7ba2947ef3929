// What HTTP handlers share.
import type { Logger } from 'pino';
import type { ResourceDef, TableDef } from '../../api/types.js';
import type { RegistryDeps } from '../registry/context.js';
import type { KubeletClientConfig } from './kubelet/index.js';

export interface UserInfo { name: string; groups: string[] }

export interface HandlerContext {
  deps: RegistryDeps;
  log: Logger;
  tableFor(def: ResourceDef): TableDef;
  /** Seconds between watch bookmarks. */
  bookmarkIntervalSeconds: number;
  /** How to reach kubelets (pods/log, exec, attach, portforward, nodes/proxy). */
  kubeletClient?: KubeletClientConfig;
}
