#!/usr/bin/env node
// Draws the marble diagrams of docs/marbles/diagrams.ts as SVG pictures,
// docs/marbles/<name>.svg, for docs/operators.md. Run through tsx (the diagrams are a
// TypeScript module the tests import too): `node --import tsx scripts/marbles.mjs`.
// Each character of a marble string is one frame and one column of the picture, so the
// picture lines up with the string; values in a group `(ab)` share a frame and are
// drawn side by side inside a bracket. `--check` writes nothing and fails when an SVG
// on disk differs from what the diagrams draw. The same diagrams are written, as text,
// into each operator's doc comment (operators/<name>.ts; see docs/marbles/ascii.ts), and
// `--check` fails when a comment's marbles differ from its diagram.
import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TestScheduler } from "rxjs/testing";
import { diagrams } from "../docs/marbles/diagrams.ts";
import { docMarblesMismatch, withDocMarbles } from "../docs/marbles/ascii.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(root, "docs/marbles");
const check = process.argv.includes("--check");

const FRAME = 30; // px per frame
const LEFT = 130; // label column
const LANE = 54; // lane height
const BOX = 46; // operator box height
const RADIUS = 12;
const PAD = 16;
const LEGEND_LINE = 20;
const PALETTE = ["#f6c344", "#7cc4f4", "#f28b82", "#a6d88b", "#c5a3f2", "#f7a96b", "#78d6c6", "#f49ac1", "#b0bec5"];
const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
const SANS = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";

const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const colorOf = (char) => PALETTE[(char.codePointAt(0) ?? 0) % PALETTE.length];

/** Marks of one lane, by column: values (with their group, if any), completion, error. */
function parseLane(marbles) {
  // Let RxJS reject what it would not accept, so the pictures use the tests' syntax.
  new TestScheduler(() => {}).run(() => TestScheduler.parseMarbles(marbles, undefined, undefined, false, true));
  const marks = [];
  let group;
  [...marbles].forEach((char, column) => {
    if (char === "-" || char === " ") return;
    if (char === "(") group = { start: column, end: column };
    else if (char === ")") {
      if (group) marks.push({ kind: "group", start: group.start, end: column });
      group = undefined;
    } else if (char === "|") marks.push({ kind: "complete", column });
    else if (char === "#") marks.push({ kind: "error", column });
    else if (char === "^") marks.push({ kind: "subscribe", column });
    else marks.push({ kind: "value", column, char });
  });
  return marks;
}

const xOf = (column) => LEFT + column * FRAME + FRAME / 2;

function drawLane(lane, top, width) {
  const y = top + LANE / 2;
  const marks = parseLane(lane.marbles);
  const end = marks.find((mark) => mark.kind === "complete" || mark.kind === "error");
  const out = [];
  out.push(`<text x="${PAD}" y="${y + 4}" font-family="${MONO}" font-size="13" fill="#57606a">${escape(lane.label)}</text>`);
  // A lane that completes or errors stops there; one that goes on ends in an arrow.
  if (end) {
    out.push(`<line x1="${LEFT}" y1="${y}" x2="${xOf(end.column)}" y2="${y}" stroke="#24292f" stroke-width="1.5"/>`);
  } else {
    const lineEnd = width - PAD;
    out.push(`<line x1="${LEFT}" y1="${y}" x2="${lineEnd - 8}" y2="${y}" stroke="#24292f" stroke-width="1.5"/>`);
    out.push(`<path d="M${lineEnd - 10},${y - 5} L${lineEnd},${y} L${lineEnd - 10},${y + 5} z" fill="#24292f"/>`);
  }
  for (const mark of marks) {
    if (mark.kind === "group") {
      const x1 = LEFT + mark.start * FRAME + 4;
      const x2 = LEFT + (mark.end + 1) * FRAME - 4;
      out.push(`<rect x="${x1}" y="${y - RADIUS - 5}" width="${x2 - x1}" height="${2 * RADIUS + 10}" rx="${RADIUS + 5}" fill="none" stroke="#8c959f" stroke-dasharray="3 3"/>`);
    }
  }
  for (const mark of marks) {
    if (mark.kind === "value") {
      const x = xOf(mark.column);
      out.push(`<circle cx="${x}" cy="${y}" r="${RADIUS}" fill="${colorOf(mark.char)}" stroke="#24292f" stroke-width="1.5"/>`);
      out.push(`<text x="${x}" y="${y + 4.5}" text-anchor="middle" font-family="${MONO}" font-size="13" fill="#24292f">${escape(mark.char)}</text>`);
    } else if (mark.kind === "complete") {
      const x = xOf(mark.column);
      out.push(`<line x1="${x}" y1="${y - 14}" x2="${x}" y2="${y + 14}" stroke="#24292f" stroke-width="3"/>`);
    } else if (mark.kind === "error") {
      const x = xOf(mark.column);
      out.push(`<path d="M${x - 9},${y - 9} L${x + 9},${y + 9} M${x + 9},${y - 9} L${x - 9},${y + 9}" stroke="#cf222e" stroke-width="3"/>`);
    } else if (mark.kind === "subscribe") {
      const x = xOf(mark.column);
      out.push(`<path d="M${x},${y + 6} L${x - 6},${y + 16} L${x + 6},${y + 16} z" fill="#57606a"/>`);
    }
  }
  return out;
}

function legendOf(diagram) {
  const seen = new Set();
  const lines = [];
  for (const lane of [...diagram.inputs, ...diagram.outputs]) {
    for (const [char, text] of Object.entries(lane.legend ?? {})) {
      const key = `${char}=${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push({ char, text });
    }
  }
  return lines;
}

function draw(diagram) {
  const columns = Math.max(...[...diagram.inputs, ...diagram.outputs].map((lane) => lane.marbles.length));
  const legend = legendOf(diagram);
  const legendWidth = Math.max(0, ...legend.map(({ text }) => PAD * 2 + 40 + text.length * 7.2));
  const width = Math.ceil(Math.max(LEFT + columns * FRAME + 40, legendWidth, PAD * 2 + diagram.call.length * 8.4));
  const parts = [];
  let top = PAD / 2;
  for (const lane of diagram.inputs) {
    parts.push(...drawLane(lane, top, width));
    top += LANE;
  }
  parts.push(`<rect x="${PAD}" y="${top + 4}" width="${width - 2 * PAD}" height="${BOX - 8}" rx="6" fill="#f6f8fa" stroke="#24292f" stroke-width="1.5"/>`);
  parts.push(`<text x="${width / 2}" y="${top + BOX / 2 + 5}" text-anchor="middle" font-family="${MONO}" font-size="14" fill="#24292f">${escape(diagram.call)}</text>`);
  top += BOX;
  for (const lane of diagram.outputs) {
    parts.push(...drawLane(lane, top, width));
    top += LANE;
  }
  if (legend.length) top += 6;
  for (const { char, text } of legend) {
    const y = top + LEGEND_LINE / 2;
    if (char === "#") {
      parts.push(`<path d="M${PAD + 4},${y - 6} L${PAD + 16},${y + 6} M${PAD + 16},${y - 6} L${PAD + 4},${y + 6}" stroke="#cf222e" stroke-width="2.5"/>`);
    } else {
      parts.push(`<circle cx="${PAD + 10}" cy="${y}" r="8" fill="${colorOf(char)}" stroke="#24292f"/>`);
      parts.push(`<text x="${PAD + 10}" y="${y + 4}" text-anchor="middle" font-family="${MONO}" font-size="11" fill="#24292f">${escape(char)}</text>`);
    }
    parts.push(`<text x="${PAD + 28}" y="${y + 4.5}" font-family="${SANS}" font-size="13" fill="#24292f">${escape(text)}</text>`);
    top += LEGEND_LINE;
  }
  const height = Math.ceil(top + PAD / 2);
  const title = `${diagram.call}: ${[...diagram.inputs, ...diagram.outputs].map((lane) => `${lane.label} ${lane.marbles}`).join(", ")}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(title)}">`,
    `<title>${escape(title)}</title>`,
    `<!-- Drawn by scripts/marbles.mjs from docs/marbles/diagrams.ts (npm run docs). Do not edit by hand. -->`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

const stale = [];
for (const diagram of diagrams) {
  const path = resolve(outDir, `${diagram.name}.svg`);
  const svg = draw(diagram);
  if (check) {
    const current = await readFile(path, "utf8").catch(() => "");
    if (current !== svg) stale.push(`docs/marbles/${diagram.name}.svg`);
  } else {
    await writeFile(path, svg);
  }
}
for (const diagram of diagrams) {
  const path = resolve(root, "operators", `${diagram.name}.ts`);
  const source = await readFile(path, "utf8");
  if (check) {
    const mismatch = docMarblesMismatch(source, diagram.name, diagram);
    if (mismatch) stale.push(`operators/${diagram.name}.ts (${mismatch.split("\n")[0]})`);
  } else {
    const written = withDocMarbles(source, diagram.name, diagram);
    if (written !== source) await writeFile(path, written);
  }
}
if (stale.length) {
  console.error(`marbles: out of date: ${stale.join(", ")}; run \`npm run docs\``);
  process.exit(1);
}
console.log(check ? "marbles: docs/marbles and the doc comments' marbles are up to date" : `marbles: drew ${diagrams.length} diagrams into docs/marbles/ and the operators' doc comments`);
