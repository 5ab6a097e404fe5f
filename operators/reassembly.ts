/**
 * Reassembly of chunk() frames into messages, the state behind one `dechunk()`
 * subscription. Frames are placed by index into a buffer allocated once, when a
 * message's first frame arrives; messages of one stream are delivered in the order
 * they were chunked. Everything it holds is bounded by {@link ReassemblyLimits}.
 */
import { PeerError } from "../src/errors.js";
import type { PeerMessage } from "../src/types.js";
import { isBatchFrame, readBatch } from "./batch-frame.js";
import { HEADER_SIZE, decodeMessage, readFrameHeader, type FrameHeader } from "./frame.js";

export interface ReassemblyLimits {
  /** Largest message accepted, in bytes. */
  maxMessageSize: number;
  /** Most messages held at once: incomplete ones plus complete ones waiting for an earlier one of their stream. */
  maxPendingMessages: number;
  /** Most bytes those held messages may declare in total. */
  maxPendingBytes: number;
}

/** A message given up in lossy mode, as `dechunk({ lossy: true, onDrop })` reports it. */
export interface DroppedMessage {
  /** Stream id and message number (seq) of the message. */
  stream: number;
  seq: number;
  /** Frames that had arrived, of `count`. */
  received: number;
  count: number;
  /** `evicted`: room was needed for a newer message; `ended`: the frames ended while it was incomplete. */
  reason: "evicted" | "ended";
}

/**
 * Lossy mode, for unreliable channels (`maxRetransmits` / `maxPacketLifeTime`): a message is
 * delivered as soon as it is complete, whatever its stream order, and an incomplete one is
 * dropped (and reported) when a limit would be passed or the frames end, instead of erroring.
 */
export interface LossyHandling {
  onDrop(dropped: DroppedMessage): void;
}

/** Idle streams remembered (to keep their order) before the least recently used are forgotten. */
export const MAX_IDLE_STREAMS = 1024;

/** A message whose frames are still arriving. */
interface IncompleteMessage {
  header: FrameHeader;
  bytes: Uint8Array;
  /** The stream it belongs to, to drop it from there. */
  stream: Stream;
  /** One bit per frame index already placed. */
  placed: Uint32Array;
  missing: number;
}

interface Stream {
  /** Seq of the next message to deliver. */
  next: number;
  partial: Map<number, IncompleteMessage>;
  /** Complete messages that wait for an earlier one, by the seq of the first (a batch frame holds several). */
  ready: Map<number, { messages: readonly PeerMessage[]; size: number }>;
}

/** What most frames complete: nothing (shared, so such a frame allocates no result). */
const NONE: readonly PeerMessage[] = [];
const HALF_SEQ_SPACE = 0x8000_0000;
const invalid = (message: string): PeerError => new PeerError("ERR_FRAME_INVALID", message);

export class Reassembler {
  private readonly streams = new Map<number, Stream>();
  /** The stream used last, and its id: the back of the idle-eviction order. */
  private recent: Stream | undefined;
  private recentId = -1;
  private pendingMessages = 0;
  private pendingBytes = 0;
  /** Lossy mode only: incomplete messages, oldest first, the order they are dropped in. */
  private readonly incomplete = new Set<IncompleteMessage>();

  constructor(
    private readonly limits: ReassemblyLimits,
    private readonly lossy?: LossyHandling,
  ) {}

  /** Takes one frame; returns the messages it completes, in order (often none). Throws a `PeerError` on a bad frame. */
  push(frame: Uint8Array): readonly PeerMessage[] {
    if (isBatchFrame(frame)) return this.pushBatch(frame);
    const header = readFrameHeader(frame, this.limits.maxMessageSize);
    const stream = this.streamOf(header.stream);
    const ahead = (header.seq - stream.next) >>> 0;
    // Lossy mode keeps no stream order: a lost message must not hold back the ones after it.
    if (!this.lossy && ahead >= HALF_SEQ_SPACE) {
      throw invalid(`message ${header.seq} of stream ${header.stream} is behind the stream (next is ${stream.next}): a duplicate, or frames from before dechunk() subscribed`);
    }

    let partial = stream.partial.get(header.seq);
    if (partial === undefined) {
      if (stream.ready.size > 0 && holdsAny(stream, header.seq, 1)) throw invalid(`duplicate frame: message ${header.seq} of stream ${header.stream} is already complete`);
      if (header.count === 1 && (ahead === 0 || this.lossy)) {
        // The common small message: no buffer of its own, decoded straight from the frame.
        const message = [decodeMessage(header.kind, frame, true, HEADER_SIZE)];
        return this.lossy ? message : this.inOrder(stream, message);
      }
      this.admit(header.total);
      partial = this.start(header, stream);
      stream.partial.set(header.seq, partial);
      if (this.lossy) this.incomplete.add(partial);
    } else if (!sameMessage(partial.header, header)) {
      throw invalid(`frame ${header.index} of message ${header.seq} (stream ${header.stream}) disagrees with earlier frames on kind, size or count`);
    }

    const word = header.index >>> 5;
    const bit = 1 << (header.index & 31);
    const placed = partial.placed[word] ?? 0;
    if ((placed & bit) !== 0) throw invalid(`duplicate frame ${header.index} of message ${header.seq} (stream ${header.stream})`);
    partial.placed[word] = placed | bit;
    partial.bytes.set(frame.subarray(HEADER_SIZE), header.index * header.stride);
    if (--partial.missing > 0) return NONE;

    stream.partial.delete(header.seq);
    this.incomplete.delete(partial);
    const message = [decodeMessage(header.kind, partial.bytes, false)];
    if (this.lossy || ahead === 0) {
      this.release(header.total);
      return this.lossy ? message : this.inOrder(stream, message);
    }
    stream.ready.set(header.seq, { messages: message, size: header.total });
    return NONE;
  }

  /** A batch frame: several whole messages with consecutive seqs, delivered together in their stream's order. */
  private pushBatch(frame: Uint8Array): readonly PeerMessage[] {
    const batch = readBatch(frame, this.limits.maxMessageSize);
    const { messages, seq } = batch;
    const stream = this.streamOf(batch.stream);
    const ahead = (seq - stream.next) >>> 0;
    if (!this.lossy && ahead >= HALF_SEQ_SPACE) {
      throw invalid(`batch of messages ${seq}.. of stream ${batch.stream} is behind the stream (next is ${stream.next}): a duplicate, or frames from before dechunk() subscribed`);
    }
    if (holdsAny(stream, seq, messages.length)) throw invalid(`batch of messages ${seq} to ${seq + messages.length - 1} of stream ${batch.stream} overlaps a message already received`);
    if (this.lossy) return messages;
    if (ahead === 0) return this.inOrder(stream, messages);
    this.admit(batch.bytes);
    stream.ready.set(seq, { messages, size: batch.bytes });
    return NONE;
  }

  /** Called when the frames end: throws if a message is still incomplete or waiting. */
  finish(): void {
    if (this.lossy) {
      for (const partial of this.incomplete) this.drop(partial, "ended");
      return;
    }
    if (this.pendingMessages > 0) throw invalid(`frames ended with ${this.pendingMessages} message(s) incomplete or missing an earlier message`);
  }

  /** `messages` are their stream's next: they go out with the ones that waited for them. */
  private inOrder(stream: Stream, messages: PeerMessage[]): PeerMessage[] {
    stream.next = (stream.next + messages.length) >>> 0;
    for (let held = stream.ready.get(stream.next); held !== undefined; held = stream.ready.get(stream.next)) {
      stream.ready.delete(stream.next);
      this.release(held.size);
      messages.push(...held.messages);
      stream.next = (stream.next + held.messages.length) >>> 0;
    }
    return messages;
  }

  private admit(size: number): void {
    const { maxPendingMessages, maxPendingBytes } = this.limits;
    // Lossy mode makes room by dropping the oldest incomplete messages.
    for (const oldest of this.incomplete) {
      if (this.pendingMessages + 1 <= maxPendingMessages && this.pendingBytes + size <= maxPendingBytes) break;
      this.drop(oldest, "evicted");
    }
    if (this.pendingMessages + 1 > maxPendingMessages) {
      throw new PeerError("ERR_FRAME_TOO_LARGE", `more than ${maxPendingMessages} messages held at once (maxPendingMessages)`);
    }
    if (this.pendingBytes + size > maxPendingBytes) {
      throw new PeerError("ERR_FRAME_TOO_LARGE", `message of ${size} bytes would hold ${this.pendingBytes + size} bytes at once, over maxPendingBytes ${maxPendingBytes}`);
    }
    this.pendingMessages++;
    this.pendingBytes += size;
  }

  private release(size: number): void {
    this.pendingMessages--;
    this.pendingBytes -= size;
  }

  private drop(partial: IncompleteMessage, reason: DroppedMessage["reason"]): void {
    const { header } = partial;
    this.incomplete.delete(partial);
    partial.stream.partial.delete(header.seq);
    this.release(header.total);
    this.lossy?.onDrop({ stream: header.stream, seq: header.seq, received: header.count - partial.missing, count: header.count, reason });
  }

  private start(header: FrameHeader, stream: Stream): IncompleteMessage {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(header.total);
    } catch (cause) {
      throw new PeerError("ERR_FRAME_TOO_LARGE", `could not allocate ${header.total} bytes for a message`, cause);
    }
    return { header, bytes, stream, placed: new Uint32Array(Math.ceil(header.count / 32)), missing: header.count };
  }

  /** Finds or creates a stream's state; moves it to the back of the idle-eviction order. */
  private streamOf(id: number): Stream {
    // Most frames come from the stream of the frame before: it is already the most recent.
    if (id === this.recentId && this.recent !== undefined) return this.recent;
    let stream = this.streams.get(id);
    if (stream !== undefined) {
      this.streams.delete(id);
    } else {
      stream = { next: 0, partial: new Map(), ready: new Map() };
      if (this.streams.size >= MAX_IDLE_STREAMS) this.forgetIdleStreams();
    }
    this.streams.set(id, stream);
    this.recent = stream;
    this.recentId = id;
    return stream;
  }

  private forgetIdleStreams(): void {
    // Streams holding messages are bounded by maxPendingMessages, so idle ones can always go.
    for (const [id, stream] of this.streams) {
      if (this.streams.size < MAX_IDLE_STREAMS) return;
      if (stream.partial.size > 0 || stream.ready.size > 0) continue;
      this.streams.delete(id);
      if (id === this.recentId) this.recent = undefined;
    }
  }
}

/** Whether any of the messages `seq` to `seq + span - 1` is already held; held messages are bounded by maxPendingMessages, so the walk is short. */
function holdsAny(stream: Stream, seq: number, span: number): boolean {
  if (stream.partial.size === 0 && stream.ready.size === 0) return false;
  for (const held of stream.partial.keys()) if (((held - seq) >>> 0) < span) return true;
  for (const [first, { messages }] of stream.ready) if (((first - seq) >>> 0) < span || ((seq - first) >>> 0) < messages.length) return true;
  return false;
}

function sameMessage(a: FrameHeader, b: FrameHeader): boolean {
  return a.kind === b.kind && a.total === b.total && a.count === b.count && a.stride === b.stride;
}
