import { defineConfig } from "tsup";

// Two entry points, `rxpeer` and `rxpeer/operators`, each as ESM + CJS with types.
export default defineConfig({
  entry: { index: "src/index.ts", operators: "operators/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  external: ["rxjs"],
  splitting: true,
  treeshake: true,
});
