export { SpdySession, SpdyStream } from './session.js';
export type { SpdyRole, SpdySessionOptions, SpdySessionEvents, SpdyStreamEvents } from './session.js';
export {
  encodeFrame, FrameParser, FrameType, RstStatus, GoAwayStatus, SpdyProtocolError, FLAG_FIN, FLAG_UNIDIRECTIONAL,
  MAX_FRAME_PAYLOAD, SPDY_VERSION,
} from './frames.js';
export type { Frame, SettingsEntry } from './frames.js';
export {
  encodeHeaderBlock, decodeHeaderBlock, headersOf, headerValue, HeaderCompressor, HeaderDecompressor, adler32,
} from './headers.js';
export type { SpdyHeaders } from './headers.js';
export { SPDY3_HEADER_DICTIONARY } from './dictionary.js';
