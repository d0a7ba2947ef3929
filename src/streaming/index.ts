// SPDX-License-Identifier: Apache-2.0
// Streaming plumbing shared by the API server and the kubelet: connection upgrades, byte-for-byte
// proxying, SPDY/3.1, and the translations kubectl's WebSocket protocols need in front of a
// SPDY-speaking container runtime.
export {
  upgradeResponse, serveUpgrades, takeUpgradeSocket, isUpgrade, isWebSocketRequest, isSpdyRequest, webSocketProtocols,
  tunneledSpdyProtocols, STREAM_PROTOCOL_V4, STREAM_PROTOCOL_V5, PORT_FORWARD_PROTOCOL_V1, SPDY_TUNNELING_PREFIX, SPDY_31,
} from './upgrade.js';
export { proxyRequest, forwardedHeaders, splice, upstreamRequestFor, UpstreamDialError } from './proxy.js';
export type { UpstreamTarget } from './proxy.js';
export { dialUpgrade, dialSpdy, UpgradeRefusedError } from './dial.js';
export { bridgeV5ToSpdy, wantsStreamProtocolV5 } from './remotecommand.js';
export type { RemoteCommandStreams } from './remotecommand.js';
export { tunnelSpdyOverWebSocket, wantsSpdyTunnel } from './portforward.js';
