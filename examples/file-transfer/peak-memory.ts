/**
 * Peak resident memory of this process above a baseline, for the file-transfer examples:
 * sampled every 10 ms, and checked against the kernel's own peak where it rose during the run.
 */
import { readFileSync } from "node:fs";

const MiB = 1024 * 1024;

/** The kernel's peak RSS of this process (VmHWM), or 0 where /proc is missing. */
function kernelPeak(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts measuring; the returned function stops and gives the peak growth in MiB.
 *
 * @example
 * ```ts
 * const stop = trackPeakMemory();
 * await transfer();
 * console.log(`peak RSS growth ${stop().toFixed(1)} MiB`);
 * ```
 */
export function trackPeakMemory(): () => number {
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage.rss();
  const kernelBefore = kernelPeak();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  return () => {
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    const kernelAfter = kernelPeak();
    if (kernelAfter > kernelBefore) peak = Math.max(peak, kernelAfter);
    return (peak - baseline) / MiB;
  };
}
