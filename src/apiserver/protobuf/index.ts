export { decodeKubeProtobuf, KUBE_PROTOBUF_MEDIA_TYPE } from './decode.js';
export type { DecodedKubeObject } from './decode.js';
