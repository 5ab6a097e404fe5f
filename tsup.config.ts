import { defineConfig } from "tsup";

// Three entry points, `rxpeer`, `rxpeer/operators` and `rxpeer/simple-peer`, each as ESM + CJS
// with types. cjsInterop makes an entry with only a default export `module.exports = thatExport`
// in CJS, so `require("rxpeer/simple-peer")` is the class, as `require("simple-peer")` is.
export default defineConfig({
  entry: { index: "src/index.ts", operators: "operators/index.ts", "simple-peer": "simple-peer/index.ts" },
  cjsInterop: true,
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  external: ["rxjs"],
  splitting: true,
  treeshake: false,
});
