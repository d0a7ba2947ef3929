// SPDX-License-Identifier: Apache-2.0
export { startKubeletServer } from './server.js';
export { KubeletHttpError } from './types.js';
export type {
  KubeletServerBackend, KubeletServerOptions, RunningKubeletServer, ContainerLogSource, ExecParams, StreamParams, ExecSyncOutput,
} from './types.js';
export { APISERVER_KUBELET_CLIENT } from './auth.js';
