/**
 * Figure 5, bundle size: each library bundled the way an app's bundler would (esbuild,
 * browser platform, minified, ES module), rxjs left external, then gzipped at level 9.
 * rxpeer is bundled from its sources, so the figure is that of the code being benchmarked.
 */
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface SizeRow {
  label: string;
  minified: number;
  gzip: number;
  note: string;
  /** Every input file's share of the minified output (esbuild's metafile), largest first. */
  largest: { file: string; bytes: number }[];
}

async function bundle(label: string, contents: string, note: string, external: string[] = []): Promise<SizeRow> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "app.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external: ["rxjs", "rxjs/*", ...external],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${label}`);
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  const largest = Object.entries(inputs)
    .map(([file, info]) => ({ file, bytes: info.bytesInOutput }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { label, minified: output.contents.byteLength, gzip: gzipSync(output.contents, { level: 9 }).byteLength, note, largest };
}

/** Sizes of rxpeer's two entries and of the other libraries, bundled the same way. */
export async function measureSizes(): Promise<SizeRow[]> {
  const simplePeerBuild = readFileSync(join(root, "node_modules", "simple-peer", "simplepeer.min.js"));
  return [
    await bundle("rxpeer (core entry)", `export * from "./src/index.ts"; export { default } from "./src/index.ts";`, "rxjs external"),
    await bundle("rxpeer/operators (every operator)", `export * from "./operators/index.ts";`, "rxjs external; an app that imports one operator gets less"),
    await bundle("@rtco/peer 0.2.20", `export { default } from "@rtco/peer";`, "with eventemitter3"),
    await bundle(
      "simple-peer 9.11.1",
      `export { default } from "simple-peer";`,
      "with buffer, readable-stream and its other dependencies; the `events` and `process` shims a browser bundle also needs are not installed here and are left out, so this is a lower bound",
      ["events", "process"],
    ),
    {
      label: "simple-peer 9.11.1, its own browser build (simplepeer.min.js)",
      minified: simplePeerBuild.byteLength,
      gzip: gzipSync(simplePeerBuild, { level: 9 }).byteLength,
      note: "browserify build shipped in the package, every shim included",
      largest: [],
    },
  ];
}
