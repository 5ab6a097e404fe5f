// Every ```ts block of the guides type-checks against the real API, strict, as a module
// of its own. A few names the snippets use without declaring (a connected `peer`, a
// `socket`, a `file`) come from the prelude below. A block whose info string says
// `ts no-check` is skipped (only code needing a package this repository does not have).
// The Angular page's snippets are checked as if they sat beside examples/angular/*.ts,
// the files they come from, so their relative imports resolve as in an app.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Each guide, and the folder its snippets are checked in. */
const HOMES: Record<string, string> = {
  "docs/guide.md": "docs",
  "docs/operators.md": "docs",
  "docs/angular.md": "examples/angular",
  "docs/migrating-from-rtco-peer.md": "docs",
  "docs/migrating-from-simple-peer.md": "docs",
};
const DOCS = Object.keys(HOMES);

const PRELUDE = `
import type { Peer } from "rxpeer";
declare global {
  /** A peer, as the guides assume one exists. */
  const peer: Peer;
  /** A WebSocket to a signaling server. */
  const socket: WebSocket;
  /** A file the user picked. */
  const file: File;
}
export {};
`;

interface Snippet {
  doc: string;
  line: number;
  code: string;
}

function snippetsOf(doc: string): Snippet[] {
  const lines = readFileSync(root + doc, "utf8").split("\n");
  const found: Snippet[] = [];
  let start = -1;
  let body: string[] = [];
  let checked = false;
  lines.forEach((line, index) => {
    if (start < 0) {
      const open = /^```(\S*)\s*(.*)$/.exec(line);
      if (open && line !== "```") {
        start = index;
        body = [];
        checked = open[1] === "ts" && !/no-check/.test(open[2] ?? "");
      } else if (line === "```") {
        start = index;
        body = [];
        checked = false;
      }
      return;
    }
    if (line === "```") {
      if (checked) found.push({ doc, line: start + 1, code: body.join("\n") });
      start = -1;
      return;
    }
    body.push(line);
  });
  return found;
}

const options: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  types: ["node"],
  typeRoots: [root + "node_modules/@types"],
  skipLibCheck: true,
  noEmit: true,
  experimentalDecorators: true,
  paths: { rxpeer: [root + "src/index.ts"], "rxpeer/operators": [root + "operators/index.ts"], "rxpeer/simple-peer": [root + "simple-peer/index.ts"] },
};

describe("code in the guides", () => {
  const snippets = DOCS.flatMap(snippetsOf);

  it("has snippets to check in every guide", () => {
    for (const doc of DOCS) expect(snippets.some((s) => s.doc === doc), doc).toBe(true);
  });

  it("type-checks: every ```ts block, strict, with zero diagnostics", () => {
    const files = new Map<string, string>([[root + "docs/__prelude__.ts", PRELUDE]]);
    const origin = new Map<string, Snippet>();
    snippets.forEach((snippet, index) => {
      const name = `${root}${HOMES[snippet.doc] ?? "docs"}/__snippet_${index}__.ts`;
      // A block without import or export would be a script sharing one scope with the others.
      const isModule = /^\s*(import|export)\s/m.test(snippet.code);
      files.set(name, isModule ? snippet.code : `${snippet.code}\nexport {};\n`);
      origin.set(name, snippet);
    });
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.readFile = (file) => files.get(file) ?? readFile(file);
    host.fileExists = (file) => files.has(file) || fileExists(file);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, onError, create) => {
      const text = files.get(file);
      return text === undefined ? getSourceFile(file, language, onError, create) : ts.createSourceFile(file, text, language, true);
    };
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const snippet = diagnostic.file ? origin.get(diagnostic.file.fileName) : undefined;
      const line = diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line : 0;
      const where = snippet ? `${snippet.doc}:${snippet.line + 1 + line}` : (diagnostic.file?.fileName ?? "");
      return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
    expect(problems).toEqual([]);
  });
});
