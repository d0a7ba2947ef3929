// The kubelet: one node's agent on a CRI runtime (src/kubelet/runtime/cri), with its volumes,
// probes, logs and HTTPS server; `k8ts agent` assembles it.
export { startKubelet, type Kubelet, type KubeletOptions } from './kubelet.js';
export type { Pod, Container } from './api-types.js';
