// Launching a node's own containerd (config, registry hosts, process) for the CRI kubelet.
export {
  renderContainerdConfig, renderRegistryHosts, writeRegistryHosts, defaultCniBinDir, defaultRuncBinary, findExecutable,
  tomlString, CNI_BIN_DIRS, type ContainerdConfigOptions, type RegistryHostOptions,
} from './config.js';
export {
  startContainerd, findContainerd, containerdLayout, removeAllPods, listMountsUnder, readTail,
  MAX_UNIX_SOCKET_PATH, CONTAINERD_APT_PACKAGES,
  type StartContainerdOptions, type StopContainerdOptions, type ContainerdProcess, type ContainerdBinaries,
  type FindContainerdResult, type ContainerdLayout,
} from './process.js';
export { ensureContainerd, stopContainerd, freeLoopbackPort, type EnsureContainerdOptions, type NodeContainerd } from './ensure.js';
