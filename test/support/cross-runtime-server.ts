// Serves test/support/cross-runtime-page.ts, bundled with esbuild, on loopback for the
// browser halves of the cross-runtime tests (Node only). http://127.0.0.1 is a secure
// context, so crypto.subtle and the media devices exist in the page.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The page's address, and how to stop serving it. */
export interface CrossRuntimePageServer {
  url: string;
  close(): Promise<void>;
}

/** Bundles the cross-runtime page and serves it on a free loopback port. */
export async function serveCrossRuntimePage(): Promise<CrossRuntimePageServer> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("./cross-runtime-page.ts", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const server = createServer((request, response) => {
    if (request.url === "/page.js") response.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else response.writeHead(200, { "content-type": "text/html" }).end('<!doctype html><title>rxpeer cross-runtime</title><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
