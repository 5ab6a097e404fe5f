/**
 * Sums a page's CPU profile taken by bench/connect-bisect-run.ts --profile=DIR by source file and
 * by function (self time: a native call such as `new RTCPeerConnection` counts to the function that
 * makes it), and rxjs's self time by the project frame that led to it:
 *
 *   node --import tsx bench/cpuprofile-summary.ts DIR [--top=40]
 *
 * The profile's line numbers are the bundle's (DIR/page.js); its "// path" comments say which file
 * each line came from. A probe: divide by the pairs made (and the warm-up round) for a cost per pair.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; lineNumber: number; url?: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const dir = process.argv[2] ?? ".";
const top = Number(process.argv.find((arg) => arg.startsWith("--top="))?.slice(6) ?? "40");
// A Node profile (`node --cpu-prof`) names each frame's file by its url; a page's profile, by the bundle's lines.
const isNode = dir.endsWith(".cpuprofile");
const profile = JSON.parse(readFileSync(isNode ? dir : join(dir, "page.cpuprofile"), "utf8")) as Profile;
const shortName = (path: string): string => path.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, "$1").replace(/^file:\/\/.*?\/((src|bench|operators)\/)/, "$1");
const starts: [line: number, file: string][] = [];
if (!isNode) {
  readFileSync(join(dir, "page.js"), "utf8")
    .split("\n")
    .forEach((text, line) => {
      const file = /^ {2}\/\/ (\S+)$/.exec(text)?.[1];
      if (file) starts.push([line, shortName(file)]);
    });
}
const fileOfLine = (line: number): string => {
  let file = "?";
  for (const [start, name] of starts) if (start <= line) file = name;
  return file;
};
const fileOf = (node: ProfileNode): string => (isNode ? shortName(node.callFrame.url || "(native)") : fileOfLine(node.callFrame.lineNumber));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map(profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node] as const)));
const name = (node: ProfileNode): string => `${fileOf(node)} ${node.callFrame.functionName || "(anonymous)"}:${node.callFrame.lineNumber + 1}`;
const isProject = (node: ProfileNode): boolean => node.callFrame.lineNumber >= 0 && /^(src|bench|operators)\//.test(fileOf(node)) ;

const byFile = new Map<string, number>();
const byFunction = new Map<string, number>();
const rxjsByCaller = new Map<string, number>();
// On Node, each of @roamhq/wrtc's calls (a native call behind a thin JS wrapper) by the project frame that made it.
const nativeByCaller = new Map<string, number>();
// --under=NAME: self time by function of the samples whose stack holds a frame NAME (e.g. Peer: what a constructor costs).
const under = process.argv.find((arg) => arg.startsWith("--under="))?.slice(8);
const byFunctionUnder = new Map<string, number>();
const isUnder = (node: ProfileNode): boolean => {
  for (let frame: ProfileNode | undefined = node; frame; frame = parents.get(frame.id)) if (frame.callFrame.functionName === under) return true;
  return false;
};
const add = (sums: Map<string, number>, key: string, us: number): void => void sums.set(key, (sums.get(key) ?? 0) + us);
profile.samples.forEach((id, index) => {
  const node = nodes.get(id);
  const us = profile.timeDeltas[index + 1] ?? 0;
  // Idle, (program) and the collector have no line.
  if (!node || node.callFrame.lineNumber < 0) return add(byFile, node?.callFrame.functionName ?? "?", us);
  const file = fileOf(node);
  add(byFile, file, us);
  if (under && isUnder(node)) add(byFunctionUnder, name(node), us);
  add(byFunction, name(node), us);
  if (file !== "rxjs" && file !== "@roamhq/wrtc") return;
  let caller = parents.get(node.id);
  while (caller && !isProject(caller)) caller = parents.get(caller.id);
  if (file === "rxjs") add(rxjsByCaller, caller ? name(caller) : "?", us);
  else add(nativeByCaller, `${node.callFrame.functionName} <- ${caller ? name(caller) : "?"}`, us);
});
const print = (title: string, sums: Map<string, number>): void => {
  console.log(`--- ${title} (ms)`);
  for (const [key, us] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(1).padStart(9)}  ${key}`);
};
print("self time by file", byFile);
print("self time by function", byFunction);
print("rxjs self time by the project frame that called it", rxjsByCaller);
if (under) print(`self time by function under ${under}`, byFunctionUnder);
if (nativeByCaller.size > 0) print("@roamhq/wrtc self time by the project frame that called it", nativeByCaller);
