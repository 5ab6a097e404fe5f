/**
 * `rxpeer/operators`: pipeline operators for rxpeer peers. One operator per file;
 * this file only re-exports them.
 *
 * @packageDocumentation
 */
export { chunk, type ChunkOptions } from "./chunk.js";
export { dechunk, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_PENDING_MESSAGES, type DechunkOptions } from "./dechunk.js";
export type { DroppedMessage } from "./reassembly.js";
export { sendTo } from "./sendTo.js";
export { DEFAULT_HIGH_WATER_MARK, DEFAULT_POLLED_HIGH_WATER_MARK, type SendToOptions } from "./watermarks.js";
export type { SendChannel, SendTarget } from "./send-target.js";
export { bufferUntilConnected, type ConnectionState } from "./bufferUntilConnected.js";
export { retryBackoff, type RetryBackoffOptions } from "./retryBackoff.js";
export { serialize } from "./serialize.js";
export { deserialize } from "./deserialize.js";
export { toSimplePeerSignal } from "./toSimplePeerSignal.js";
export { connectSignaling, type ConnectSignalingOptions, type SignalingChannel, type SignalingPeer } from "./connectSignaling.js";
export { sendFile, DEFAULT_PIECE_SIZE, MAX_PIECE_SIZE, type SendFileOptions, type TransferProgress } from "./sendFile.js";
export { receiveFiles, DEFAULT_WINDOW, DEFAULT_MAX_CONCURRENT, type IncomingFile, type ReceiveFilesOptions } from "./receiveFiles.js";
export { isTransferFrame } from "./isTransferFrame.js";
export type { FileSource } from "./transfer-source.js";
