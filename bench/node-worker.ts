/**
 * One run of one figure on Node, in a process of its own: a crash in native WebRTC code
 * costs one run, and memory is measured in a process that did nothing else.
 * Usage: node --import tsx bench/node-worker.ts '<Task as JSON>'; prints one result line.
 */
import { nodeDatachannelRuntime, nodeRuntime } from "./node-runtime.js";
import { RESULT_PREFIX, runTask, type Task } from "./tasks.js";

const task = JSON.parse(process.argv[2] ?? "null") as Task | null;
if (!task) {
  console.error("usage: node-worker.ts '<task json>'");
  process.exit(2);
}
const samples = await runTask(task, process.env.RXPEER_BENCH_WRTC === "node-datachannel" ? nodeDatachannelRuntime() : nodeRuntime());
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(samples)}\n`);
// @roamhq/wrtc can keep a process alive (or crash it) after its connections close.
process.exit(0);
