/**
 * The marble diagrams of diagrams.ts as the text picture in each operator's doc comment
 * (operators/<name>.ts, the first fenced block without a language). `npm run docs` writes
 * that block from the diagram; `npm run docs:check` and test/node/marble-diagrams.test.ts
 * fail when the two differ, so the comment, the SVG and the tested behaviour are one diagram.
 */
import type { MarbleDiagram } from "./diagrams.js";

/** The text picture of a diagram: input lanes, the call, output lanes, then what each marble stands for. */
export function asciiMarbles(diagram: MarbleDiagram): string[] {
  const lanes = [...diagram.inputs, ...diagram.outputs];
  const width = Math.max(...lanes.map((lane) => lane.label.length)) + 2;
  const lane = ({ label, marbles }: { label: string; marbles: string }): string => `${`${label}:`.padEnd(width)}${marbles}`;
  const legend = lanes
    .map((l) => Object.entries(l.legend ?? {}).map(([char, text]) => `${char} = ${text}`))
    .filter((entries) => entries.length > 0)
    .map((entries) => entries.join(", "));
  return [...diagram.inputs.map(lane), `${" ".repeat(width)}${diagram.call}`, ...diagram.outputs.map(lane), ...(legend.length ? ["", ...legend] : [])];
}

/** Where a doc comment's marble block is: the lines between its fences, as offsets into the file. */
interface MarbleBlock {
  start: number;
  end: number;
  lines: string[];
}

const FENCE = " * ```\n";

/** The marble block of `export function <name>`'s doc comment in `source`, if it has one. */
export function docMarbleBlock(source: string, name: string): MarbleBlock | undefined {
  const declaration = source.indexOf(`export function ${name}`);
  const comment = source.lastIndexOf("/**", declaration);
  if (declaration < 0 || comment < 0) return undefined;
  const open = source.indexOf(FENCE, comment);
  if (open < 0 || open > declaration) return undefined;
  const start = open + FENCE.length;
  const end = source.indexOf(FENCE, start);
  if (end < 0 || end > declaration) return undefined;
  const lines = source
    .slice(start, end)
    .split("\n")
    .slice(0, -1)
    .map((line) => line.replace(/^ \* ?/, ""));
  return { start, end, lines };
}

/** `source` with the marble block of `name` written from `diagram` (unchanged if it has no block). */
export function withDocMarbles(source: string, name: string, diagram: MarbleDiagram): string {
  const block = docMarbleBlock(source, name);
  if (!block) return source;
  const text = asciiMarbles(diagram)
    .map((line) => (line === "" ? " *\n" : ` * ${line}\n`))
    .join("");
  return source.slice(0, block.start) + text + source.slice(block.end);
}

/** Why the doc comment of `name` in `source` does not draw `diagram`, or undefined if it does. */
export function docMarblesMismatch(source: string, name: string, diagram: MarbleDiagram): string | undefined {
  const block = docMarbleBlock(source, name);
  if (!block) return `the doc comment of ${name}() has no marble block`;
  const expected = asciiMarbles(diagram);
  if (block.lines.join("\n") === expected.join("\n")) return undefined;
  return `the marbles in ${name}()'s doc comment differ from docs/marbles/diagrams.ts\n${block.lines.join("\n")}\n-- expected --\n${expected.join("\n")}`;
}
