// The Chromium half of test/node/cross-runtime.test.ts, bundled by esbuild in that test.
// An rxpeer in the page joins a room of the example signaling server; the Node test
// drives it through `window.crossRuntime` with page.evaluate().
import { filter, firstValueFrom, lastValueFrom, of, ReplaySubject } from "rxjs";
import { Peer } from "../../src/index.js";
import { chunk, connectSignaling, dechunk, sendTo } from "../../operators/index.js";
import { roomChannel } from "../../examples/signaling-server/client.js";
import { sha256 } from "./bytes.js";

/** A file as both sides describe it to compare: its size and SHA-256 (hex). */
export interface FileDigest {
  size: number;
  sha256: string;
}

export interface CrossRuntimePage {
  /** Joins `room` as the answerer; resolves once the data channel is open. */
  join(serverUrl: string, room: string): Promise<void>;
  sendText(text: string): void;
  /** Resolves with the first text message from the remote peer that starts with `prefix`. */
  nextText(prefix: string): Promise<string>;
  /** Sends `size` random bytes with chunk() + sendTo(); resolves with what was sent once handed to the channel. */
  sendFile(size: number): Promise<FileDigest>;
  /** Resolves with the first file that dechunk() reassembled (at once if it already came). */
  receivedFile(): Promise<FileDigest>;
  /** Every error the peer or the signaling reported, as text. */
  errors(): string[];
  leave(): void;
}

declare global {
  interface Window {
    crossRuntime: CrossRuntimePage;
  }
}

let peer: Peer | undefined;
const errors: string[] = [];
// Texts and files are recorded from the start, so the test may ask for them after they came.
const texts = new ReplaySubject<string>();
const files = new ReplaySubject<FileDigest>();

function connectedPeer(): Peer {
  if (!peer) throw new Error("join() first");
  return peer;
}

function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
  return bytes;
}

window.crossRuntime = {
  async join(serverUrl, room) {
    const joined = new Peer({ debug: 0 });
    peer = joined;
    joined.error$.subscribe((error) => errors.push(`${error.code}: ${error.message}`));
    joined.data$.pipe(filter((data): data is string => typeof data === "string")).subscribe(texts);
    joined.data$
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
    connectSignaling(joined, roomChannel(serverUrl, room, { onServerError: (error) => errors.push(`${error.code}: ${error.message}`) }), {
      onError: (error) => errors.push(`signaling: ${String(error)}`),
    });
    await firstValueFrom(joined.connected$.pipe(filter(Boolean)));
  },
  sendText(text) {
    connectedPeer().send(text);
  },
  nextText(prefix) {
    return firstValueFrom(texts.pipe(filter((text) => text.startsWith(prefix))));
  },
  async sendFile(size) {
    const bytes = randomBytes(size);
    const digest = await sha256(bytes);
    await lastValueFrom(of(bytes).pipe(chunk(), sendTo(connectedPeer())));
    return { size, sha256: digest };
  },
  receivedFile() {
    return firstValueFrom(files);
  },
  errors() {
    return errors.slice();
  },
  leave() {
    peer?.destroy();
  },
};
