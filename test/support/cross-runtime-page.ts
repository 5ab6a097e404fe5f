// The browser half of test/node/cross-runtime.test.ts, bundled by esbuild in that test:
// the page's endpoint, on the browser's own WebRTC, driven through `window.crossRuntime`.
import { crossRuntimeEndpoint, type CrossRuntimeEndpoint } from "./cross-runtime-endpoint.js";

declare global {
  interface Window {
    crossRuntime: CrossRuntimeEndpoint;
  }
}

window.crossRuntime = crossRuntimeEndpoint();
