/**
 * The page side of the Chromium benchmark, bundled by esbuild (bench/browser.ts): every
 * contender on the browser's own WebRTC. simple-peer comes from its package's browser
 * build (simplepeer.min.js, loaded by a script tag first), because its npm entry needs
 * Node's buffer, events and process modules, which this project does not install.
 */
import RtcoPeer from "@rtco/peer";
import { rawContender, type Watermarks } from "./contenders/raw.js";
import { rtcoContender } from "./contenders/rtco.js";
import { rxpeerContender } from "./contenders/rxpeer.js";
import { simplePeerContender, type SimplePeerConstructor } from "./contenders/simple-peer.js";
import { runTask, type Runtime, type Sample, type Task } from "./tasks.js";

/** Where `bufferedamountlow` fires: the raw loop's watermarks (the fastest of those tried here, docs/benchmarks.md). */
export const BROWSER_WATERMARKS: Watermarks = { high: 64 * 1024, low: 16 * 1024 };

function browserRuntime(marks: Watermarks): Runtime {
  const SimplePeer = (globalThis as { SimplePeer?: SimplePeerConstructor }).SimplePeer;
  if (!SimplePeer) throw new Error("simplepeer.min.js was not loaded before the bench bundle");
  return {
    contenders: {
      raw: rawContender(globalThis, marks),
      rxpeer: rxpeerContender(undefined, "sendTo", marks),
      "rxpeer-send": rxpeerContender(undefined, "send", marks),
      "rxpeer-batch": rxpeerContender(undefined, "batch", marks),
      "simple-peer": simplePeerContender(SimplePeer, undefined),
      rtco: rtcoContender(RtcoPeer),
    },
  };
}

/** What bench/browser.ts calls through `page.evaluate`. */
export interface BenchPage {
  runTask(task: Task, marks?: Watermarks): Promise<Sample[]>;
}

const page: BenchPage = { runTask: (task, marks = BROWSER_WATERMARKS) => runTask(task, browserRuntime(marks)) };
(globalThis as { rxpeerBench?: BenchPage }).rxpeerBench = page;
