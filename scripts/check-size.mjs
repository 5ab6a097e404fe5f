#!/usr/bin/env node
// Size budget of the built package, measured the way an app's bundler sees it:
// `import ... from "rxpeer"` resolved through package.json exports (so run `npm run build`
// first), bundled by esbuild, minified, rxjs left external, then gzipped at level 9.
//   1. The core entry must stay at or under BUDGET bytes.
//   2. Each export of `rxpeer/operators`, imported alone, must bring in code from no file
//      but its own and the files it imports (never another operator, never the Peer).
//      Which source file produced which output is read back from the bundle's source map,
//      which esbuild composes through dist's own maps down to src/ and operators/.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// A ratchet, not the goal: the goal is 5 KiB (docs/benchmarks.md, not met). It was 6 KiB
// before held signals, the candidate grammar, argument checks, simple-peer's options and
// protocol, node-datachannel support and liveness came in (8.24 KiB then), and came down to
// 8.17 KiB after signal parsing's and the options' checks became one helper and one table each.
// Raised once to 8.75 KiB (8.55 KiB then) for rxpeer peers recognising each other from their
// descriptions (src/sdp-marker.ts) and opening a pre-negotiated channel: one round trip off
// every rxpeer-to-rxpeer connect, and no wait facing a simple-peer answerer. Lowered to 8.5 KiB
// (8.45 KiB then) once rxjs came in through one module (src/rxjs-imports.ts) and a few second
// bindings and second code paths went; docs/benchmarks.md lists each module's share. Raised to
// 8.55 KiB (8.52 KiB then) for a node-datachannel initiator holding its candidates until the
// answer is in (without it, 3 of 85 connects through a signaling server on a loaded machine
// failed their DTLS handshake: docs/runtimes.md), 60 B. Lowered to 8.5 KiB (8.46 KiB then) once
// the emitter derived its Observables from its Subjects in one loop, one helper wrapped WebRTC
// calls' exceptions, and a few lists and messages were written once. Lowered to 8.32 KiB
// (8.29 KiB then, 8488 B) once the core imported 5 names from rxjs, not 18 plus a second
// statement of 3: Blobs read by a promise (src/read-blobs.ts had that second import), the
// send queue a promise chain, ICE recovery and the liveness clock plain timers rather than
// operator pipelines. Lowered to 8.27 KiB (8.26 KiB then, 8457 B) once the default channel label
// came from Math.random() rather than crypto, and four fields were no longer written twice
// (a class field and then its constructor's assignment). Lowered to 8.13 KiB (8.11 KiB then,
// 8303 B) once the Peer inherited its media methods rather than forwarding them, candidates were
// normalised in one path, and a dozen smaller steps (docs/benchmarks.md, "6. Size"). Raised to
// 8.31 KiB (8.30 KiB then, 8497 B) for the liveness check asking the transport before it gives
// a silent remote up (src/liveness.ts, packetsHeard): without it, a live @roamhq/wrtc remote
// whose SCTP stream stalled for seconds under load was declared dead (docs/reliability.md).
// Raised to 8.33 KiB (8529 B then), 32 B, for a connection stuck `disconnected` counting as
// `failed` after 15 s (src/ice-recovery.ts): without it, @roamhq/wrtc on a loaded machine left
// some connections to a SIGKILLed remote `disconnected` for good, and the peer never closed.
// Raised to 8.37 KiB (8569 B then), 40 B, for a channelConfig that createDataChannel refuses
// (both maxRetransmits and maxPacketLifeTime, an id over 65534) throwing ERR_INVALID_ARGUMENT
// and closing the connection already made: before, the constructor threw the runtime's own
// TypeError and left that connection running, out of the caller's reach.
// Raised to 8.45 KiB (8648 B then), 79 B, for two initiators linked giving up with
// ERR_NEGOTIATION and close$ (two rxpeers, both sides; facing a simple-peer initiator whose
// offer came first, rxpeer's side): before, an rxpeer initiator ignored the other's offer
// (both impolite) and waited forever with no word.
// Raised to 8.46 KiB (8655 B then), 7 B, for the facade doing as eventemitter3 where a
// differential test against it (test/node/facade-differential.test.ts) found it did not: a
// listener given no context gets the Peer as `this`, and eventNames() keeps eventemitter3's order.
// Raised to 8.57 KiB (8776 B then), 121 B, for send() refusing, on @roamhq/wrtc, a message that
// would pass the channel's 16 MiB send queue (ERR_DATA_CHANNEL, as Chromium refuses it): before,
// @roamhq/wrtc dropped it without a word and sent the later ones that fit (test/behaviour/
// send-queue-full.spec.ts: 293 of 512 messages arrived).
// Lower it as the core shrinks, never raise it without saying which feature paid for the bytes.
const BUDGET = 8.57 * 1024;
let failed = false;
const fail = (message) => {
  failed = true;
  console.error(`size: FAIL ${message}`);
};

if (!existsSync(resolve(root, "dist/index.js"))) {
  console.error("size: dist/ is missing: run `npm run build` first");
  process.exit(1);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;

// 1. The core entry.
const core = await bundle(`export * from "rxpeer"; export { default } from "rxpeer";`);
console.log(`size: rxpeer core ${kib(core.gzip)} min+gzip (budget ${kib(BUDGET)}; ${core.minified} B minified)`);
if (core.gzip > BUDGET) {
  fail(`the core entry is ${core.gzip - BUDGET} B over its ${BUDGET} B budget`);
  const largest = [...core.code].map(([file, pieces]) => [file, pieces.join("").length]).sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.error(`size: largest contributors (unminified whitespace): ${largest.map(([file, size]) => `${file} ${size} B`).join(", ")}`);
}

// 2. Operators tree-shake.
const graph = await importGraph("operators/index.ts");
const operators = await import("rxpeer/operators");
const names = Object.keys(operators).filter((name) => typeof operators[name] === "function");
for (const name of names) {
  const own = `operators/${name}.ts`;
  if (!graph.has(own)) {
    fail(`${name}: no file ${own} (operators live one per file, named after them)`);
    continue;
  }
  const needed = reachable(graph, own);
  const { gzip, code } = await bundle(`export { ${name} } from "rxpeer/operators";`);
  if (!code.has(own)) fail(`${name}: ${own} is not in its own bundle`);
  const leaks = [...code].filter(([file, pieces]) => !needed.has(file) && !onlyConstants(pieces));
  for (const [file, pieces] of leaks) fail(`importing ${name} alone also pulls ${file}: ${pieces.join(" ").slice(0, 160)}`);
  const parts = [...code.keys()].filter((file) => needed.has(file));
  console.log(`size: rxpeer/operators { ${name} } alone ${kib(gzip)} min+gzip, from ${parts.join(", ")}`);
}

if (failed) process.exit(1);
console.log(`size: ok (core within budget; ${names.length} exports of rxpeer/operators tree-shake one by one)`);

/**
 * Bundles `source` (an app module importing rxpeer): returns its min+gzip size, and the
 * code each source file put in the bundle. Attribution uses a second build that keeps
 * one statement per line (same tree shaking, readable pieces).
 */
async function bundle(source) {
  const options = {
    stdin: { contents: source, resolveDir: root, loader: "js", sourcefile: "app.js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["rxjs", "rxjs/*"],
    outfile: resolve(root, "size-check.js"),
    write: false,
    logLevel: "silent",
  };
  const minified = await build({ ...options, minify: true });
  const text = minified.outputFiles[0]?.text ?? "";
  const readable = await build({ ...options, minifySyntax: true, minifyIdentifiers: true, sourcemap: "external" });
  const js = readable.outputFiles.find((file) => file.path.endsWith(".js"));
  const map = readable.outputFiles.find((file) => file.path.endsWith(".map"));
  if (!js || !map) throw new Error("esbuild produced no output");
  const sourceMap = JSON.parse(map.text);
  // Sources come back relative to the output file, which sits at the root.
  const sources = sourceMap.sources.map((file) => relative(root, resolve(root, file)).replaceAll("\\", "/"));
  return { gzip: gzipSync(text, { level: 9 }).length, minified: text.length, code: codeBySource(sourceMap.mappings, js.text.split("\n"), sources) };
}

/**
 * The output text each source file produced, from the map's mappings (base64 VLQ; a
 * segment's 2nd field is the delta-coded source index): a segment owns the output from
 * its column up to the next segment's, or to the end of its line.
 */
function codeBySource(mappings, lines, sources) {
  const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const code = new Map();
  let source = 0;
  mappings.split(";").forEach((segments, lineIndex) => {
    const line = lines[lineIndex] ?? "";
    let column = 0;
    let owner; // [source index, start column] of the segment in force
    const close = (end) => {
      if (!owner) return;
      const file = sources[owner[0]] ?? "?";
      const piece = line.slice(owner[1], end).trim();
      if (piece) code.set(file, [...(code.get(file) ?? []), piece]);
    };
    for (const segment of segments.split(",")) {
      if (!segment) continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0] ?? 0;
      close(column);
      if (fields.length >= 4) {
        source += fields[1];
        owner = [source, column];
      } else owner = undefined;
    }
    close(line.length);
  });
  return code;
}

/**
 * Whether some output is only numeric constants such as `var V = 256 * 1024 * 1024;`:
 * esbuild keeps some unused ones, which cost bytes, not behaviour. A `new TextDecoder()`
 * at module level is more: it runs at import, so it needs a pure mark to be dropped.
 */
function onlyConstants(pieces) {
  const value = String.raw`[\w$]+\s*=\s*[\w$\s*+\-<>/.]+`;
  const declaration = new RegExp(String.raw`^(?:var|let|const)\s+${value}(?:,\s*${value})*$`);
  const statements = pieces.join(" ").split(";").map((statement) => statement.trim()).filter(Boolean);
  return statements.every((statement) => declaration.test(statement) && !/\bnew\b/.test(statement));
}

/** The source import graph below `entry`, from esbuild's metafile: file -> files it imports. */
async function importGraph(entry) {
  const result = await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    format: "esm",
    platform: "browser",
    external: ["rxjs", "rxjs/*"],
    write: false,
    metafile: true,
    outdir: resolve(root, "size-check"),
    logLevel: "silent",
  });
  const graph = new Map();
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    graph.set(file, input.imports.filter((i) => !i.external).map((i) => i.path));
  }
  return graph;
}

/** `from` and every file it imports, directly or not. */
function reachable(graph, from) {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) {
    for (const next of graph.get(todo.pop()) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      todo.push(next);
    }
  }
  return seen;
}
