/**
 * The chart in docs/benchmarks.svg: every series as a bar of its speed relative to the
 * raw RTCDataChannel measured in the same run (higher is better: throughput over raw's,
 * raw's latency or connect time over the series'), median of the runs with the min-max
 * range as a whisker. rxpeer's bars are coloured, the other libraries' grey.
 */

export interface ChartRow {
  label: string;
  /** Relative speed; NaN draws no bar. */
  median: number;
  min: number;
  max: number;
  rxpeer: boolean;
  /** Drawn hollow, with this note: e.g. data was lost. */
  caveat?: string;
}

export interface ChartGroup {
  title: string;
  rows: ChartRow[];
}

const WIDTH = 960;
const LABEL_WIDTH = 360;
const BAR_LEFT = LABEL_WIDTH + 10;
const BAR_WIDTH = WIDTH - BAR_LEFT - 170;
/** Values go in a column of their own, right of the bars, where no grid line crosses them. */
const VALUE_LEFT = BAR_LEFT + BAR_WIDTH + 12;
const ROW = 18;
const GROUP_GAP = 26;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders the groups as one SVG document. */
export function renderChart(title: string, groups: ChartGroup[]): string {
  const values = groups.flatMap((g) => g.rows.flatMap((r) => [r.median, r.max])).filter(Number.isFinite);
  const scaleMax = Math.max(1.5, Math.ceil(Math.max(...values, 1) * 2) / 2);
  const x = (value: number): number => BAR_LEFT + (Math.min(value, scaleMax) / scaleMax) * BAR_WIDTH;
  const parts: string[] = [];
  let y = 56;
  for (const group of groups) {
    parts.push(`<text x="10" y="${y}" font-weight="bold">${escape(group.title)}</text>`);
    y += 8;
    for (const row of group.rows) {
      const top = y + 3;
      const color = row.rxpeer ? "#2563eb" : "#9ca3af";
      parts.push(`<text x="${LABEL_WIDTH}" y="${y + 13}" text-anchor="end">${escape(row.label)}</text>`);
      if (Number.isFinite(row.median)) {
        const fill = row.caveat ? "none" : color;
        parts.push(`<rect x="${BAR_LEFT}" y="${top}" width="${(x(row.median) - BAR_LEFT).toFixed(1)}" height="${ROW - 5}" fill="${fill}" stroke="${color}"/>`);
        if (Number.isFinite(row.min) && Number.isFinite(row.max)) {
          const mid = top + (ROW - 5) / 2;
          parts.push(`<line x1="${x(row.min).toFixed(1)}" x2="${x(row.max).toFixed(1)}" y1="${mid}" y2="${mid}" stroke="#111" stroke-width="1"/>`);
        }
        const note = row.caveat ? ` (${row.caveat})` : "";
        parts.push(`<text x="${VALUE_LEFT}" y="${y + 13}">${row.median.toFixed(2)}${escape(note)}</text>`);
      } else {
        parts.push(`<text x="${BAR_LEFT + 4}" y="${y + 13}" fill="#b91c1c">not measured</text>`);
      }
      y += ROW;
    }
    y += GROUP_GAP;
  }
  const height = y + 10;
  const axis: string[] = [];
  for (let tick = 0; tick <= scaleMax + 1e-9; tick += 0.5) {
    const tx = x(tick).toFixed(1);
    axis.push(`<line x1="${tx}" x2="${tx}" y1="36" y2="${height - 24}" stroke="${tick === 1 ? "#111" : "#e5e7eb"}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`);
    axis.push(`<text x="${tx}" y="${height - 10}" text-anchor="middle">${tick.toFixed(1)}</text>`);
  }
  const target = x(0.95).toFixed(1);
  axis.push(`<line x1="${target}" x2="${target}" y1="36" y2="${height - 24}" stroke="#dc2626" stroke-dasharray="4 3"/>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escape(title)}</text>`,
    `<text x="10" y="36" fill="#555">relative to raw RTCDataChannel in the same run (1.0, black line; dashed red: 0.95); higher is better; bar: median, whisker: min-max of runs; hollow: data lost</text>`,
    ...axis,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
