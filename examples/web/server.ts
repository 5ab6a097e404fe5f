/**
 * The server of `npm run demo:web`: the example signaling server, plus an HTTP server for
 * the page (index.html, style.css, and app.ts bundled for the browser by esbuild at start).
 * Both listen on loopback by default.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { startSignalingServer } from "../signaling-server/server.js";

export interface WebDemoOptions {
  /** Port of the page; 0 picks a free one. Default 8080. The signaling server takes a free port. */
  port?: number;
  /** Interface for both servers. Default "127.0.0.1". */
  host?: string;
}

export interface WebDemo {
  /** The page, `http://host:port/`. */
  readonly url: string;
  /** The signaling server the page uses. */
  readonly signalingUrl: string;
  /** Stops both servers. Idempotent. */
  close(): Promise<void>;
}

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

/**
 * Bundles the page and starts both servers.
 *
 * @example
 * ```ts
 * const demo = await startWebDemo({ port: 0 });
 * console.log(`open ${demo.url}`);
 * // later: await demo.close();
 * ```
 */
export async function startWebDemo(options: WebDemoOptions = {}): Promise<WebDemo> {
  const { port = 8080, host = "127.0.0.1" } = options;
  const [bundle, html, css] = await Promise.all([
    build({ entryPoints: [here("./app.ts")], bundle: true, platform: "browser", format: "iife", target: "es2022", write: false, logLevel: "warning" }),
    readFile(here("./index.html"), "utf8"),
    readFile(here("./style.css"), "utf8"),
  ]);
  const signaling = await startSignalingServer({ host });
  const page = html.replace("__SIGNALING_URL__", signaling.url);
  const files: Record<string, { type: string; body: string }> = {
    "/": { type: "text/html; charset=utf-8", body: page },
    "/index.html": { type: "text/html; charset=utf-8", body: page },
    "/style.css": { type: "text/css; charset=utf-8", body: css },
    "/app.js": { type: "text/javascript; charset=utf-8", body: bundle.outputFiles[0]?.text ?? "" },
  };

  const http = createServer((request, response) => {
    const file = files[new URL(request.url ?? "/", "http://localhost").pathname];
    if (!file || request.method !== "GET") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    response.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(port, host, () => resolve());
    });
  } catch (error) {
    await signaling.close();
    throw error;
  }
  const address = http.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/`,
    signalingUrl: signaling.url,
    close: () =>
      (closing ??= (async () => {
        http.closeAllConnections();
        await Promise.all([new Promise<void>((resolve) => http.close(() => resolve())), signaling.close()]);
      })()),
  };
}
