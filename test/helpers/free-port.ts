// A TCP port free on 127.0.0.1 right now (another process may still take it before you bind).
export { freeLoopbackPort as freePort } from '../../src/kubelet/runtime/containerd/index.js';
