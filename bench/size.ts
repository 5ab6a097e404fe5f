/**
 * Figure 5, bundle size: each library bundled the way an app's bundler would (esbuild,
 * browser platform, minified, ES module), rxjs left external, then gzipped at level 9.
 * rxpeer is bundled from its sources, so the figure is that of the code being benchmarked.
 * For rxpeer's entries, each module's cost too: its minified bytes (esbuild's metafile) and
 * what it adds to the gzipped bundle.
 */
import { build, type Metafile } from "esbuild";
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
  /**
   * Every input file's share of the output, largest gzip share first: `bytes` minified (esbuild's
   * metafile), `gzip` what the gzipped bundle loses without the file's output (shares overlap a
   * little: text repeated across files compresses in either).
   */
  largest: { file: string; bytes: number; gzip?: number }[];
  /** The bundle's esbuild metafile (inputs, imports, bytes per input), for esbuild's bundle analyzer. */
  metafile?: Metafile;
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
    sourcemap: "external",
    outfile: join(root, "size-bench.js"),
    write: false,
    logLevel: "silent",
  });
  const output = result.outputFiles.find((file) => file.path.endsWith(".js"));
  const map = result.outputFiles.find((file) => file.path.endsWith(".map"));
  if (!output || !map) throw new Error(`esbuild produced no output for ${label}`);
  const gzip = gzipSync(output.contents, { level: 9 }).byteLength;
  const inputs = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith(".js"))?.[1].inputs ?? {};
  const owners = ownersOf(output.text, JSON.parse(map.text) as { sources: string[]; mappings: string });
  const largest = Object.entries(inputs)
    .map(([file, info]) => ({ file, bytes: info.bytesInOutput, gzip: gzip - gzipSync(without(output.text, owners, file), { level: 9 }).byteLength }))
    .filter(({ bytes }) => bytes > 0)
    .sort((a, b) => b.gzip - a.gzip || b.bytes - a.bytes);
  return { label, minified: output.contents.byteLength, gzip, note, largest, metafile: result.metafile };
}

/**
 * Which source file wrote each character of `code` (one name per line and column), from the
 * source map: a mapping segment owns the output from its column to the next segment's.
 */
function ownersOf(code: string, map: { sources: string[]; mappings: string }): (string | undefined)[][] {
  const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lines = code.split("\n");
  let source = 0;
  return map.mappings.split(";").map((segments, index) => {
    const owners: (string | undefined)[] = new Array<string | undefined>(lines[index]?.length ?? 0).fill(undefined);
    let column = 0;
    let owner: string | undefined;
    for (const segment of segments.split(",")) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      const start = column + (fields[0] ?? 0);
      owners.fill(owner, column, start);
      column = start;
      if (fields.length >= 4) source += fields[1] ?? 0;
      // Sources are relative to the output file, which sits at the root, as the metafile's paths are.
      owner = fields.length >= 4 ? map.sources[source] : undefined;
    }
    owners.fill(owner, column);
    return owners;
  });
}

/** `code` without what `file` wrote. */
function without(code: string, owners: (string | undefined)[][], file: string): string {
  return code
    .split("\n")
    .map((line, index) => line.split("").filter((_, column) => owners[index]?.[column] !== file).join(""))
    .join("\n");
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
