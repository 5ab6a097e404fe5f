#!/usr/bin/env node
// Writes the API reference, docs/api/*.md, from the doc comments of the two entry points
// (src/index.ts -> `rxpeer`, operators/index.ts -> `rxpeer/operators`). TypeDoc reads the
// code and its comments; this script renders its model as Markdown, so the reference
// reads on GitHub and in an editor with no site to host (TypeDoc itself writes only HTML
// and JSON). `--check` writes nothing and fails when the files on disk are stale.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Application, ReflectionKind } from "typedoc";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(root, "docs/api");
const check = process.argv.includes("--check");

/** Entry module name as TypeDoc derives it -> import path and output file. */
const MODULES = {
  src: { importPath: "rxpeer", file: "rxpeer.md" },
  operators: { importPath: "rxpeer/operators", file: "operators.md" },
};

// The files of the classes of ours a public class inherits members from, nearest to the Peer
// first: its local media methods, then the EventEmitter facade.
const OUR_BASES = ["src/media.ts", "src/facade.ts"];
const FACADE = "src/facade.ts";

const app = await Application.bootstrapWithPlugins({
  entryPoints: ["src/index.ts", "operators/index.ts"],
  tsconfig: resolve(root, "tsconfig.docs.json"),
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  // Sources on: an inherited member is told by the file that declares it (none is rendered).
  disableSources: false,
  sort: ["source-order"], // members as declared: { type, data } reads better than { data, type }
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: "Warn",
});
const project = await app.convert();
if (!project || app.logger.hasErrors()) {
  console.error("api-docs: TypeDoc could not read the sources (see above)");
  process.exit(1);
}
app.validate(project);

// Anchors: one per documented reflection, computed as GitHub does for the heading text.
const anchors = new Map(); // reflection id -> { file, anchor }
const usedAnchors = new Map(); // file -> Set of anchors

function githubAnchor(file, heading) {
  const base = heading.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
  const used = usedAnchors.get(file) ?? new Set();
  usedAnchors.set(file, used);
  let anchor = base;
  for (let n = 1; used.has(anchor); n++) anchor = `${base}-${n}`;
  used.add(anchor);
  return anchor;
}

const order = Object.keys(MODULES);
const modules = (project.children ?? []).filter((child) => child.kindOf(ReflectionKind.Module)).sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
for (const module of modules) {
  if (!MODULES[module.name]) throw new Error(`api-docs: unexpected entry module ${module.name}`);
}

/** The groups a module page is cut into, in reading order. */
const SECTIONS = [
  ["Classes", "class", ReflectionKind.Class],
  ["Functions", "function", ReflectionKind.Function],
  ["Interfaces", "interface", ReflectionKind.Interface],
  ["Types", "type", ReflectionKind.TypeAlias],
  ["Constants", "constant", ReflectionKind.Variable],
];

function documented(module) {
  const byName = (a, b) => a.name.localeCompare(b.name);
  return SECTIONS.map(([title, label, kind]) => [title, (module.children ?? []).filter((child) => child.kindOf(kind)).sort(byName), label]).filter(([, list]) => list.length > 0);
}

// First pass: give every heading its anchor, so links can point forward.
for (const module of modules) {
  const { file } = MODULES[module.name];
  githubAnchor(file, `${MODULES[module.name].importPath}`);
  githubAnchor(file, "Contents");
  for (const [title, list] of documented(module)) {
    githubAnchor(file, title);
    for (const reflection of list) {
      anchors.set(reflection.id, { file, anchor: githubAnchor(file, headingOf(reflection)) });
      for (const member of members(reflection)) {
        anchors.set(member.id, { file, anchor: githubAnchor(file, headingOf(member, reflection)) });
      }
    }
  }
}

function headingOf(reflection, owner) {
  if (owner) {
    if (reflection.kindOf(ReflectionKind.Constructor)) return `new ${owner.name}()`;
    const prefix = owner.kindOf(ReflectionKind.Class) ? lowerFirst(owner.name) : owner.name;
    return `${prefix}.${reflection.name}${reflection.kindOf(ReflectionKind.Method) ? "()" : ""}`;
  }
  return reflection.kindOf(ReflectionKind.Function) ? `${reflection.name}()` : reflection.name;
}

function lowerFirst(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * Members worth their own heading: a class's constructor and methods (properties go in a
 * table), its own first, then those of the classes it inherits from (the Peer's local media
 * methods, then the EventEmitter facade), nearest first.
 */
function members(reflection) {
  if (!reflection.kindOf(ReflectionKind.Class)) return [];
  const list = (reflection.children ?? []).filter((child) => child.kindOf(ReflectionKind.Constructor | ReflectionKind.Method) && !inheritedFromPlatform(child));
  const rank = (child) => (child.inheritedFrom ? OUR_BASES.indexOf(declaringFile(child)) + 1 : 0);
  return list.map((child, index) => [child, index]).sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j).map(([child]) => child);
}

/** The file that declares `member` (for an inherited one, its base class's file). */
function declaringFile(member) {
  return (member.sources ?? member.signatures?.[0]?.sources ?? member.getSignature?.sources)?.[0]?.fileName ?? "";
}

/** Members a class gets from a platform type (Error's stack, captureStackTrace...) are not ours to document. */
function inheritedFromPlatform(reflection) {
  return reflection.inheritedFrom !== undefined && !OUR_BASES.includes(declaringFile(reflection));
}

// ---------------------------------------------------------------- types as text

function typeText(type, context = "none") {
  if (!type) return "unknown";
  const wrap = (text, needed) => (needed ? `(${text})` : text);
  switch (type.type) {
    case "intrinsic":
      return type.name;
    case "literal":
      return typeof type.value === "string" ? JSON.stringify(type.value) : type.value === null ? "null" : typeof type.value === "bigint" ? `${type.value}n` : String(type.value);
    case "reference": {
      const args = type.typeArguments?.length ? `<${type.typeArguments.map((arg) => typeText(arg)).join(", ")}>` : "";
      return `${type.name}${args}`;
    }
    case "union": {
      const members = context === "declared" ? type.types : inStableOrder(type.types);
      return wrap(members.map((member) => typeText(member, "union")).join(" | "), context === "array" || context === "intersection");
    }
    case "intersection":
      return wrap(type.types.map((member) => typeText(member, "intersection")).join(" & "), context === "array");
    case "array":
      return `${typeText(type.elementType, "array")}[]`;
    case "tuple":
      return `[${type.elements.map((element) => typeText(element)).join(", ")}]`;
    case "namedTupleMember":
      return `${type.name}${type.isOptional ? "?" : ""}: ${typeText(type.element)}`;
    case "optional":
      return `${typeText(type.elementType, "array")}?`;
    case "rest":
      return `...${typeText(type.elementType)}`;
    case "typeOperator":
      return `${type.operator} ${typeText(type.target, "array")}`;
    case "query":
      return `typeof ${typeText(type.queryType)}`;
    case "indexedAccess":
      return `${typeText(type.objectType, "array")}[${typeText(type.indexType)}]`;
    case "predicate":
      return `${type.asserts ? "asserts " : ""}${type.name}${type.targetType ? ` is ${typeText(type.targetType)}` : ""}`;
    case "templateLiteral":
      return `\`${type.head}${type.tail.map(([inner, text]) => `\${${typeText(inner)}}${text}`).join("")}\``;
    case "conditional":
      return wrap(`${typeText(type.checkType)} extends ${typeText(type.extendsType)} ? ${typeText(type.trueType)} : ${typeText(type.falseType)}`, context !== "none");
    case "mapped":
      return `{ ${type.readonlyModifier === "+" ? "readonly " : ""}[${type.parameter} in ${typeText(type.parameterType)}]${type.optionalModifier === "+" ? "?" : type.optionalModifier === "-" ? "-?" : ""}: ${typeText(type.templateType)} }`;
    case "reflection":
      return wrap(reflectionTypeText(type.declaration), (context === "array" || context === "union") && Boolean(type.declaration.signatures?.length));
    default:
      return type.toString();
  }
}

function reflectionTypeText(declaration) {
  if (declaration.signatures?.length === 1 && !declaration.children?.length) return signatureText(declaration.signatures[0], "arrow");
  const parts = [];
  for (const signature of declaration.signatures ?? []) parts.push(signatureText(signature, "call"));
  for (const child of declaration.children ?? []) {
    if (child.signatures?.length) for (const signature of child.signatures) parts.push(`${child.name}${signatureText(signature, "method")}`);
    else parts.push(`${child.flags.isReadonly ? "readonly " : ""}${child.name}${child.flags.isOptional ? "?" : ""}: ${typeText(child.type)}`);
  }
  for (const index of declaration.indexSignatures ?? []) {
    const [parameter] = index.parameters ?? [];
    parts.push(`[${parameter?.name ?? "key"}: ${typeText(parameter?.type)}]: ${typeText(index.type)}`);
  }
  return parts.length ? `{ ${parts.join("; ")} }` : "{}";
}

/** A type alias; a long union goes one member per line, as Prettier would write it. */
function typeAliasText(reflection) {
  const head = `type ${reflection.name}${typeParametersText(reflection.typeParameters)} =`;
  const oneLine = `${head} ${typeText(reflection.type, "declared")};`;
  if (oneLine.length <= 100 || reflection.type?.type !== "union") return oneLine;
  return `${head}\n${reflection.type.types.map((member) => `  | ${typeText(member, "union")}`).join("\n")};`;
}

function typeParametersText(parameters) {
  if (!parameters?.length) return "";
  return `<${parameters.map((p) => `${p.name}${p.type ? ` extends ${typeText(p.type)}` : ""}${p.default ? ` = ${typeText(p.default)}` : ""}`).join(", ")}>`;
}

// A union the checker computed (`keyof PeerEvents` as a parameter's or a constraint's type)
// reaches TypeDoc in the checker's order of first sight, which an unrelated edit can change
// (and so stale the reference): one of string literals only is written in alphabetical order.
// A type alias's own union is left as the source declares it.
function inStableOrder(members) {
  if (!members.every((member) => member.type === "literal" && typeof member.value === "string")) return members;
  return [...members].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** A signature as TypeScript: "arrow" `(a: A) => R`, "method" `<T>(a: A): R`, "call" `(a: A): R`. */
function signatureText(signature, style) {
  const parameters = (signature.parameters ?? []).map((p) => `${p.flags.isRest ? "..." : ""}${p.name}${p.flags.isOptional || p.defaultValue ? "?" : ""}: ${typeText(p.type)}`).join(", ");
  const returns = typeText(signature.type);
  if (style === "arrow") return `${typeParametersText(signature.typeParameters)}(${parameters}) => ${returns}`;
  return `${typeParametersText(signature.typeParameters)}(${parameters}): ${returns}`;
}

// ---------------------------------------------------------------- comments as Markdown

function partsText(parts, file) {
  return (parts ?? [])
    .map((part) => {
      if (part.kind !== "inline-tag") return part.text;
      const label = part.text.trim() || (typeof part.target === "object" ? part.target.name : String(part.target ?? ""));
      if (typeof part.target === "string") return `[${label}](${part.target})`;
      const place = part.target && anchors.get(part.target.id);
      if (!place) return `\`${label}\``;
      const href = place.file === file ? `#${place.anchor}` : `${place.file}#${place.anchor}`;
      return `[\`${label}\`](${href})`;
    })
    .join("");
}

/** Comment prose, with headings inside it pushed below the page's own levels. */
function prose(parts, file) {
  let inFence = false;
  return partsText(parts, file)
    .split("\n")
    .map((line) => {
      if (line.trimStart().startsWith("```")) inFence = !inFence;
      if (!inFence && /^#{1,4} /.test(line)) return line.replace(/^#{1,4} /, "###### ");
      return line;
    })
    .join("\n")
    .trim();
}

function commentBody(comment, file) {
  if (!comment) return "";
  const out = [];
  const summary = prose(comment.summary, file);
  if (summary) out.push(summary);
  const see = [];
  for (const tag of comment.blockTags ?? []) {
    if (tag.tag === "@example") out.push(`**Example**\n\n${prose(tag.content, file)}`);
    // TypeDoc hands repeated @see tags over as one list ("- a\n- b").
    else if (tag.tag === "@see") see.push(...prose(tag.content, file).split("\n").map((line) => line.trim().replace(/^-\s*/, "")).filter(Boolean));
    else if (tag.tag === "@deprecated") out.push(`**Deprecated** ${prose(tag.content, file)}`);
    else if (tag.tag === "@defaultValue" || tag.tag === "@default") out.push(`**Default** ${prose(tag.content, file)}`);
  }
  if (see.length) out.push(`**See also** ${see.join(", ")}`);
  return out.join("\n\n");
}

function returnsText(comment, file) {
  const tag = comment?.blockTags?.find((t) => t.tag === "@returns");
  return tag ? prose(tag.content, file) : "";
}

/** One line of a comment, for tables: its first sentence or paragraph. */
function firstLine(comment, file) {
  const text = prose(comment?.summary, file).split("\n\n")[0] ?? "";
  return text.replace(/<span class="informal">|<\/span>/g, "").replace(/\s*\n\s*/g, " ").trim();
}

const cell = (text) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

// ---------------------------------------------------------------- pages

function renderSignatures(reflection, name, file, lines) {
  for (const signature of reflection.signatures ?? []) {
    const display = reflection.kindOf(ReflectionKind.Constructor) ? `new ${name}` : name;
    lines.push("```ts", `${display}${signatureText(signature, "method")}`, "```", "");
    const comment = signature.comment ?? reflection.comment;
    const body = commentBody(comment, file);
    if (body) lines.push(body, "");
    const parameters = (signature.parameters ?? []).filter((p) => p.comment || p.defaultValue);
    if (parameters.length) {
      lines.push("| parameter | type | description |", "|---|---|---|");
      for (const p of signature.parameters ?? []) {
        const fallback = p.defaultValue && p.defaultValue !== "..." ? `default \`${p.defaultValue}\`` : "";
        lines.push(`| \`${p.name}\` | \`${cell(typeText(p.type))}\` | ${cell(prose(p.comment?.summary, file) || fallback)} |`);
      }
      lines.push("");
    }
    const returns = returnsText(comment, file);
    if (returns) lines.push(`**Returns** \`${cell(typeText(signature.type))}\`: ${returns}`, "");
  }
}

function renderPropertiesTable(children, file, lines, owner) {
  if (!children.length) return;
  lines.push("| member | type | description |", "|---|---|---|");
  for (const child of children) {
    const type = child.kindOf(ReflectionKind.Accessor) ? child.getSignature?.type : child.kindOf(ReflectionKind.Method) ? undefined : child.type;
    const shown = child.kindOf(ReflectionKind.Method) ? (child.signatures ?? []).map((s) => signatureText(s, "method")).join(" / ") : typeText(type);
    const flags = [child.flags.isReadonly || (child.kindOf(ReflectionKind.Accessor) && !child.setSignature) ? "readonly" : "", child.flags.isOptional ? "optional" : ""].filter(Boolean).join(", ");
    const comment = child.comment ?? child.signatures?.[0]?.comment ?? child.getSignature?.comment;
    const name = owner && owner.kindOf(ReflectionKind.Class) ? `${lowerFirst(owner.name)}.${child.name}` : child.name;
    lines.push(`| \`${name}\`${flags ? ` (${flags})` : ""} | \`${cell(shown)}\` | ${cell(firstLine(comment, file))} |`);
  }
  lines.push("");
}

function renderReflection(reflection, file, lines) {
  lines.push(`### ${headingOf(reflection)}`, "");
  if (reflection.kindOf(ReflectionKind.Function)) {
    renderSignatures(reflection, reflection.name, file, lines);
    return;
  }
  if (reflection.kindOf(ReflectionKind.TypeAlias)) {
    lines.push("```ts", typeAliasText(reflection), "```", "");
    const body = commentBody(reflection.comment, file);
    if (body) lines.push(body, "");
    return;
  }
  if (reflection.kindOf(ReflectionKind.Variable)) {
    lines.push("```ts", `const ${reflection.name}: ${typeText(reflection.type)}${reflection.defaultValue ? ` = ${reflection.defaultValue}` : ""};`, "```", "");
    const body = commentBody(reflection.comment, file);
    if (body) lines.push(body, "");
    return;
  }
  // Classes and interfaces.
  const keyword = reflection.kindOf(ReflectionKind.Class) ? "class" : "interface";
  const heritage = (reflection.extendedTypes ?? []).map((t) => typeText(t));
  lines.push("```ts", `${keyword} ${reflection.name}${typeParametersText(reflection.typeParameters)}${heritage.length ? ` extends ${heritage.join(", ")}` : ""}`, "```", "");
  const body = commentBody(reflection.comment, file);
  if (body) lines.push(body, "");
  const children = (reflection.children ?? []).filter((child) => !inheritedFromPlatform(child));
  const table = children.filter((child) => child.kindOf(ReflectionKind.Property | ReflectionKind.Accessor) || (keyword === "interface" && child.kindOf(ReflectionKind.Method)));
  renderPropertiesTable(table, file, lines, reflection);
  for (const member of members(reflection)) {
    lines.push(`#### ${headingOf(member, reflection)}`, "");
    const name = member.kindOf(ReflectionKind.Constructor) ? reflection.name : `${lowerFirst(reflection.name)}.${member.name}`;
    renderSignatures(member, name, file, lines);
    if (member.inheritedFrom && declaringFile(member) === FACADE) lines.push(`From the EventEmitter facade (eventemitter3's API, as @rtco/peer's).`, "");
  }
}

const HEADER = "<!-- Generated by `npm run docs` (scripts/api-docs.mjs) from the doc comments. Do not edit by hand. -->";

function renderModule(module) {
  const { importPath, file } = MODULES[module.name];
  const lines = [HEADER, "", `# ${importPath}`, ""];
  const moduleComment = prose(module.comment?.summary, file);
  if (moduleComment) lines.push(moduleComment, "");
  lines.push("[API reference index](README.md)", "", "## Contents", "");
  const sections = documented(module);
  lines.push("| name | kind | summary |", "|---|---|---|");
  for (const [, list, label] of sections) {
    for (const reflection of list) {
      const comment = reflection.signatures?.[0]?.comment ?? reflection.comment;
      lines.push(`| [\`${headingOf(reflection)}\`](#${anchors.get(reflection.id).anchor}) | ${label} | ${cell(firstLine(comment, file))} |`);
    }
  }
  lines.push("");
  for (const [title, list] of sections) {
    lines.push(`## ${title}`, "");
    for (const reflection of list) renderReflection(reflection, file, lines);
  }
  return `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

function renderIndex() {
  const lines = [HEADER, "", "# API reference", ""];
  lines.push("Every public name of the two entry points, from their doc comments. The guides are one level up: [docs/](../).", "");
  for (const module of modules) {
    const { importPath, file } = MODULES[module.name];
    lines.push(`## [\`${importPath}\`](${file})`, "");
    const moduleComment = firstLine(module.comment, file);
    if (moduleComment) lines.push(moduleComment, "");
    for (const [title, list] of documented(module)) {
      lines.push(`- ${title}: ${list.map((r) => `[\`${headingOf(r)}\`](${file}#${anchors.get(r.id).anchor})`).join(", ")}`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

const outputs = new Map([[resolve(outDir, "README.md"), renderIndex()]]);
for (const module of modules) outputs.set(resolve(outDir, MODULES[module.name].file), renderModule(module));

if (check) {
  const stale = [];
  for (const [path, text] of outputs) {
    const current = await readFile(path, "utf8").catch(() => "");
    if (current !== text) stale.push(path.slice(root.length + 1));
  }
  if (stale.length) {
    console.error(`api-docs: out of date: ${stale.join(", ")}; run \`npm run docs\``);
    process.exit(1);
  }
  console.log("api-docs: docs/api is up to date");
} else {
  await mkdir(outDir, { recursive: true });
  for (const [path, text] of outputs) await writeFile(path, text);
  console.log(`api-docs: wrote ${[...outputs.keys()].map((path) => path.slice(root.length + 1)).join(", ")}`);
}
