/**
 * The marble diagrams of docs/operators.md, as data: RxJS marble strings (one character
 * per frame, `(ab)` for values in the same frame, `|` complete, `#` error) and what each
 * marble stands for. `npm run docs` draws each as docs/marbles/<name>.svg
 * (scripts/marbles.mjs); test/node/marble-diagrams.test.ts runs every diagram through the
 * real operator with RxJS's TestScheduler, so a picture cannot drift from the behaviour.
 * A diagram changed here needs both: the test to pass, and `npm run docs` to redraw.
 */

/** One horizontal line of a diagram: an Observable over time, or a sequence of calls. */
export interface MarbleLane {
  /** Shown left of the line, e.g. `source` or `connected$`. */
  label: string;
  /** RxJS marble syntax; frames are counted from the first character. */
  marbles: string;
  /** What each marble character stands for, shown under the diagram. */
  legend?: Record<string, string>;
}

export interface MarbleDiagram {
  /** The operator's name; also the SVG's file name. */
  name: string;
  /** The call written in the box between inputs and outputs. */
  call: string;
  inputs: MarbleLane[];
  outputs: MarbleLane[];
  /** One sentence under the picture. */
  caption: string;
}

export const diagrams: MarbleDiagram[] = [
  {
    name: "chunk",
    call: "chunk({ chunkSize: 48 })",
    inputs: [{ label: "source", marbles: "-a-----b-----|", legend: { a: '"hi" (2 bytes)', b: "40-byte ArrayBuffer" } }],
    outputs: [
      {
        label: "frames",
        marbles: "-f-----(xyz)-|",
        legend: { f: "34-byte frame: 32-byte header + 2", x: "48-byte frame 0 of b", y: "48-byte frame 1 of b", z: "40-byte frame 2 of b" },
      },
    ],
    caption: "Each message becomes frames of at most chunkSize bytes, emitted together as soon as the message arrives.",
  },
  {
    name: "dechunk",
    call: "dechunk()",
    inputs: [
      {
        label: "data$",
        marbles: "--x---f---y---z-|",
        legend: { x: "frame 0 of b", y: "frame 1 of b", z: "frame 2 of b", f: 'the only frame of "hi", from another chunk() stream' },
      },
    ],
    outputs: [{ label: "messages", marbles: "------a-------b-|", legend: { a: '"hi"', b: "the 40-byte ArrayBuffer" } }],
    caption: "Frames of several messages and streams may interleave; each message comes out when its last frame arrives.",
  },
  {
    name: "sendTo",
    call: "sendTo(peer)",
    inputs: [
      { label: "source", marbles: "-a-b-----c-|", legend: { a: "16 bytes", b: "16 bytes", c: "16 bytes" } },
      { label: "connected$", marbles: "f---t------", legend: { f: "false", t: "true" } },
    ],
    outputs: [{ label: "bytes sent", marbles: "----(xy)-z-|", legend: { x: "16", y: "32", z: "48" } }],
    caption: "Values wait until the peer is connected, are sent in order with backpressure, and each send emits the running total of bytes.",
  },
  {
    name: "bufferUntilConnected",
    call: "bufferUntilConnected(peer)",
    inputs: [
      { label: "source", marbles: "-a--b-------c--|" },
      { label: "connected$", marbles: "f-------t-------", legend: { f: "false", t: "true" } },
    ],
    outputs: [{ label: "result", marbles: "--------(ab)c--|" }],
    caption: "Values wait for the first true of connected$, then flow in order; the gate never closes again.",
  },
  {
    name: "retryBackoff",
    call: "retryBackoff({ initialDelay: 2, maxDelay: 4, maxRetries: 2 })",
    inputs: [{ label: "source (cold)", marbles: "-a-#" }],
    outputs: [{ label: "result", marbles: "-a----a------a-#" }],
    caption: "After each error the source is subscribed again, 2 frames later, then 4 (capped); the error after the last retry goes through.",
  },
  {
    name: "serialize",
    call: "serialize()",
    inputs: [{ label: "source", marbles: "-a---b---|", legend: { a: "{ x: 1 }", b: "[2, 3]" } }],
    outputs: [{ label: "messages", marbles: "-s---t---|", legend: { s: "'{\"x\":1}'", t: "'[2,3]'" } }],
    caption: "Object mode, sending side: each value becomes one JSON text message.",
  },
  {
    name: "deserialize",
    call: "deserialize()",
    inputs: [{ label: "data$", marbles: "-s---t---u-", legend: { s: "'{\"x\":1}'", t: "'[2,3]'", u: "'oops'" } }],
    outputs: [{ label: "values", marbles: "-a---b---#", legend: { a: "{ x: 1 }", b: "[2, 3]", "#": "PeerError ERR_FRAME_INVALID" } }],
    caption: "Object mode, receiving side: each message is parsed as JSON; one that is not JSON errors the output.",
  },
  {
    name: "toSimplePeerSignal",
    call: "toSimplePeerSignal()",
    inputs: [
      {
        label: "signal$",
        marbles: "-o---c---|",
        legend: { o: '{ type: "sdp", data: { type: "offer", sdp } }', c: '{ type: "candidate", data: candidate }' },
      },
    ],
    outputs: [{ label: "simple-peer", marbles: "-p---q---|", legend: { p: '{ type: "offer", sdp }', q: '{ type: "candidate", candidate }' } }],
    caption: "rxpeer's signal format in, simple-peer's out; peer.signal() accepts both, so the other direction needs nothing.",
  },
  {
    name: "connectSignaling",
    call: "connectSignaling(peer, channel)",
    inputs: [
      { label: "peer.signal$", marbles: "-o---c-----", legend: { o: "offer", c: "candidate" } },
      { label: "channel", marbles: "---a---d--|", legend: { a: "answer", d: "remote candidate" } },
    ],
    outputs: [
      { label: "channel.next", marbles: "-o---c-----" },
      { label: "peer.signal", marbles: "---a---d---" },
    ],
    caption: "Local signals go out on the channel, messages from the channel go to peer.signal(); the wiring ends when the channel completes.",
  },
  {
    name: "sendFile",
    call: "sendFile(peer, blob)",
    inputs: [{ label: "receiver", marbles: "--c----x-", legend: { c: "credit (accepts: a window of bytes)", x: "cancel" } }],
    outputs: [
      { label: "peer.send", marbles: "o--------", legend: { o: "the offer (name, type, size, meta)" } },
      { label: "progress", marbles: "--z----#", legend: { z: "{ bytes: 0, total: 5 }", "#": "PeerError ERR_TRANSFER_CANCELLED" } },
    ],
    caption: "The offer goes out on subscribe; the receiver's first credit accepts it; pieces then follow as the source is read, within the credit; a cancel ends it.",
  },
  {
    name: "receiveFiles",
    call: "receiveFiles(peer)",
    inputs: [{ label: "data$", marbles: "-o-d-e--p-|", legend: { o: "offer of a.txt", d: "a piece of it", e: "its end", p: "offer of b.txt" } }],
    outputs: [{ label: "files", marbles: "-a------b-|", legend: { a: 'IncomingFile "a.txt"', b: 'IncomingFile "b.txt"' } }],
    caption: "Each offer within the limits comes out at once as an IncomingFile; its bytes go to its stream, not here. It completes when the peer closes.",
  },
  {
    name: "isTransferFrame",
    call: "filter((m) => !isTransferFrame(m))",
    inputs: [{ label: "data$", marbles: "-a-f-g-b-|", legend: { a: '"hi"', f: "a transfer frame", g: "another", b: "a chunk() frame" } }],
    outputs: [{ label: "others", marbles: "-a-----b-|" }],
    caption: "Transfer frames share data$ with every other message: binary, starting with RXF; strings and chunk() frames never match.",
  },
];
