// SPDX-License-Identifier: Apache-2.0
// Subresources the kubelet answers: pods/log, pods/exec, pods/attach, pods/portforward, nodes/proxy.
export { isKubeletSubresource, serveKubeletSubresource } from './subresources.js';
export type { KubeletClientConfig } from './connection.js';
