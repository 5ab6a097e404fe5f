// One side of the cross-runtime test (test/node/cross-runtime.test.ts): an rxpeer that joins a
// room of the example signaling server and is driven from outside. The same code runs in a
// browser page (cross-runtime-page.ts, driven with page.evaluate) and in Node (with a wrtc
// implementation and ws), so every pair of runtimes is tested the same way.
import { filter, firstValueFrom, lastValueFrom, of, ReplaySubject } from "rxjs";
import { Peer, type WebRTCImplementation } from "../../src/index.js";
import { chunk, connectSignaling, dechunk, sendTo } from "../../operators/index.js";
import { roomChannel, type RoomChannelOptions } from "../../examples/signaling-server/client.js";
import { sha256 } from "./bytes.js";

/** A file as both sides describe it to compare: its size and SHA-256 (hex). */
export interface FileDigest {
  size: number;
  sha256: string;
}

export interface CrossRuntimeEndpoint {
  /** Joins `room`, as the answerer unless `initiator`; resolves once the data channel is open. */
  join(serverUrl: string, room: string, initiator?: boolean): Promise<void>;
  sendText(text: string): void;
  /** Resolves with the first text message from the remote peer that starts with `prefix`. */
  nextText(prefix: string): Promise<string>;
  /** Sends `size` random bytes with chunk() + sendTo(); resolves with what was sent once handed to the channel. */
  sendFile(size: number): Promise<FileDigest>;
  /** Resolves with the first file that dechunk() reassembled (at once if it already came). */
  receivedFile(): Promise<FileDigest>;
  /** Every error the peer or the signaling reported, as text. */
  errors(): string[];
  /** Resolves once the peer has closed (the remote left, or leave()). */
  closed(): Promise<void>;
  leave(): void;
}

function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
  return bytes;
}

/** An endpoint on the given WebRTC implementation (the globals when none) and WebSocket. */
export function crossRuntimeEndpoint(options: { wrtc?: WebRTCImplementation; WebSocketCtor?: RoomChannelOptions["WebSocketCtor"] } = {}): CrossRuntimeEndpoint {
  let peer: Peer | undefined;
  const errors: string[] = [];
  // Texts and files are recorded from the start, so the test may ask for them after they came.
  const texts = new ReplaySubject<string>();
  const files = new ReplaySubject<FileDigest>();
  const closed = new ReplaySubject<void>(1);

  function joined(): Peer {
    if (!peer) throw new Error("join() first");
    return peer;
  }

  return {
    async join(serverUrl, room, initiator = false) {
      const created = new Peer({ initiator, debug: 0, ...(options.wrtc ? { wrtc: options.wrtc } : {}) });
      peer = created;
      created.error$.subscribe((error) => errors.push(`${error.code}: ${error.message}`));
      created.close$.subscribe(closed);
      created.data$.pipe(filter((data): data is string => typeof data === "string")).subscribe(texts);
      created.data$
        .pipe(
          filter((data): data is ArrayBuffer => data instanceof ArrayBuffer),
          dechunk(),
        )
        .subscribe({
          next: (file) => {
            if (typeof file === "string") return;
            void sha256(file).then((digest) => files.next({ size: file.byteLength, sha256: digest }));
          },
          error: (error: unknown) => errors.push(`dechunk: ${String(error)}`),
        });
      const channel = roomChannel(serverUrl, room, {
        ...(options.WebSocketCtor ? { WebSocketCtor: options.WebSocketCtor } : {}),
        onServerError: (error) => errors.push(`${error.code}: ${error.message}`),
      });
      connectSignaling(created, channel, { onError: (error) => errors.push(`signaling: ${String(error)}`) });
      // A peer that closes before connecting says why in the failure, not just "no elements".
      await firstValueFrom(created.connected$.pipe(filter(Boolean))).catch(() => {
        throw new Error(`closed before connecting; errors: ${errors.join(" | ") || "none"}`);
      });
    },
    sendText(text) {
      joined().send(text);
    },
    nextText(prefix) {
      return firstValueFrom(texts.pipe(filter((text) => text.startsWith(prefix))));
    },
    async sendFile(size) {
      const bytes = randomBytes(size);
      const digest = await sha256(bytes);
      await lastValueFrom(of(bytes).pipe(chunk(), sendTo(joined())));
      return { size, sha256: digest };
    },
    receivedFile() {
      return firstValueFrom(files);
    },
    errors() {
      return errors.slice();
    },
    closed() {
      return lastValueFrom(closed, { defaultValue: undefined });
    },
    leave() {
      peer?.destroy();
    },
  };
}
