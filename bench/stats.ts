/**
 * From samples to figures: medians and ranges across runs, and ratios taken run by run
 * (each series against the baseline measured in the same run, minutes apart at most),
 * because on a shared machine only side-by-side ratios mean anything.
 */
import { median } from "./workloads.js";
import type { Figure, Sample } from "./tasks.js";

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

/** All samples of one runtime and figure: one array per run. */
export type Runs = Sample[][];

/** A metric of one series across runs (runs where it failed are skipped). */
export function metricOf(runs: Runs, series: string, metric: string): number[] {
  return runs.flatMap((run) => {
    const sample = run.find((s) => s.series === series);
    const value = sample && !sample.error ? sample.metrics[metric] : undefined;
    return value === undefined ? [] : [value];
  });
}

/** `series` over `baseline` for `metric`, run by run (only runs where both were measured). */
export function ratioOf(runs: Runs, series: string, baseline: string, metric: string): Spread {
  const ratios = runs.flatMap((run) => {
    const a = run.find((s) => s.series === series && !s.error)?.metrics[metric];
    const b = run.find((s) => s.series === baseline && !s.error)?.metrics[metric];
    return a === undefined || b === undefined || b === 0 ? [] : [a / b];
  });
  return spread(ratios);
}

/** Whether every run of the series delivered its data intact, and its worst delivered fraction. */
export function integrityOf(runs: Runs, series: string): { intact: boolean; worstArrived: number; errors: string[] } {
  const samples = runs.flatMap((run) => run.filter((s) => s.series === series));
  const arrived = samples.map((s) => s.metrics.arrived ?? (s.intact ? 1 : 0));
  return {
    intact: samples.length > 0 && samples.every((s) => s.intact && !s.error),
    worstArrived: arrived.length ? Math.min(...arrived) : 0,
    errors: samples.flatMap((s) => (s.error ? [s.error] : [])),
  };
}

/** The figure each metric is judged by, and whether more is better. */
export const PRIMARY: Record<Figure, { metric: string; higherIsBetter: boolean; unit: string }> = {
  bulk: { metric: "rate", higherIsBetter: true, unit: "MiB/s" },
  small: { metric: "rate", higherIsBetter: true, unit: "msg/s" },
  pingpong: { metric: "median", higherIsBetter: false, unit: "ms" },
  connect: { metric: "ms", higherIsBetter: false, unit: "ms" },
  memory: { metric: "growth", higherIsBetter: false, unit: "MiB" },
  files: { metric: "rate", higherIsBetter: true, unit: "MiB/s" },
  browserFiles: { metric: "senderGrowth", higherIsBetter: false, unit: "MiB" },
};
