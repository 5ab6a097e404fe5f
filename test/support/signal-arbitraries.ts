// fast-check arbitraries of hostile input for `peer.signal()`: random JSON, mutations of
// real signals, wrong types, huge strings, deep nesting, `__proto__` keys, throwing
// getters and Proxies. Built from real signals captured from a phantom peer, so mutations
// start from what a remote really sends.
import fc from "fast-check";
import type { SignalData } from "../../src/index.js";

/** Real signals to mutate: a phantom peer's offer and candidates, in both formats. */
export interface SignalSeeds {
  offer: RTCSessionDescriptionInit;
  candidates: RTCIceCandidateInit[];
}

const MIB = 1024 * 1024;

/**
 * A hostile value and how to make it. Hostile objects (Proxies, throwing getters) are built
 * only when the property runs, never inside an arbitrary: fast-check inspects what its
 * arbitraries produce, and a revoked Proxy would break fast-check itself.
 */
export interface HostileValue {
  family: string;
  make(): unknown;
  toString(): string;
}

function hostile(family: string, make: () => unknown): HostileValue {
  return { family, make, toString: () => `<${family}>` };
}

/** Plain data needs no deferring; it is still wrapped, so every family looks the same. */
function plain(family: string): (value: unknown) => HostileValue {
  return (value) => ({ family, make: () => value, toString: () => `<${family}> ${preview(value)}` });
}

function preview(value: unknown): string {
  try {
    const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
    return text.length > 200 ? `${text.slice(0, 200)}... (${text.length} chars)` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Signals built from the seeds in every accepted shape: Artico, simple-peer, and JSON strings of both. */
function validShapes(seeds: SignalSeeds): unknown[] {
  const sdp = seeds.offer.sdp ?? "";
  const shapes: unknown[] = [
    { type: "sdp", data: { type: "offer", sdp } } satisfies SignalData,
    { type: "offer", sdp },
    { type: "answer", sdp },
    { type: "pranswer", sdp },
    { type: "rollback" },
    { type: "renegotiate", renegotiate: true },
    { type: "transceiverRequest", transceiverRequest: { kind: "video", init: { direction: "recvonly" } } },
  ];
  for (const candidate of seeds.candidates) {
    shapes.push({ type: "candidate", data: candidate } satisfies SignalData, { type: "candidate", candidate });
  }
  return shapes;
}

/** Structural copy, so a mutation never touches the seeds. */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Paths to every field of a plain JSON tree (not the root). */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [];
  const paths: string[][] = [];
  for (const key of Object.keys(value)) {
    const path = [...prefix, key];
    paths.push(path, ...pathsOf((value as Record<string, unknown>)[key], path));
  }
  return paths;
}

function parentOf(root: Record<string, unknown>, path: string[]): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== null && typeof node === "object" ? (node as Record<string, unknown>) : undefined;
}

/** Text edits of an SDP or candidate line: cut, insert, flip, duplicate a line, drop a line. */
function textMutation(text: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, text.length) });
  const lines = text.split("\r\n");
  const line = fc.nat({ max: Math.max(0, lines.length - 1) });
  return fc.oneof(
    at.map((i) => text.slice(0, i)),
    fc.tuple(at, fc.string({ unit: "binary", maxLength: 40 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.tuple(at, fc.integer({ min: 0, max: 0xffff })).map(([i, c]) => text.slice(0, i) + String.fromCharCode(c) + text.slice(i + 1)),
    fc.tuple(line, fc.nat({ max: 50 })).map(([i, n]) => [...lines.slice(0, i + 1), ...Array<string>(n).fill(lines[i] ?? ""), ...lines.slice(i + 1)].join("\r\n")),
    line.map((i) => [...lines.slice(0, i), ...lines.slice(i + 1)].join("\r\n")),
    fc.tuple(line, fc.string({ maxLength: 80 })).map(([i, s]) => [...lines.slice(0, i), s, ...lines.slice(i + 1)].join("\r\n")),
  );
}

/** Any JS value of a wrong type, including ones JSON cannot express. */
const wrongTypes: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withTypedArray: true, withSparseArray: true }),
  fc.constantFrom<unknown>(undefined, null, NaN, -0, Infinity, Symbol("signal"), () => "offer", new ArrayBuffer(8), new Error("signal"), /offer/, Promise.resolve({ type: "offer" })),
);

/** A valid signal with one field replaced by anything, or removed. */
function fieldMutation(shape: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(shape);
  if (paths.length === 0) return fc.constant(shape);
  return fc.tuple(fc.constantFrom(...paths), fc.option(wrongTypes, { freq: 4 })).map(([path, replacement]) => {
    const copy = clone(shape) as Record<string, unknown>;
    const parent = parentOf(copy, path);
    const key = path[path.length - 1] ?? "";
    if (parent) {
      if (replacement === null) delete parent[key];
      else parent[key] = replacement;
    }
    return copy;
  });
}

/** A valid signal whose sdp or candidate text is edited. */
function textFieldMutation(shape: unknown): fc.Arbitrary<unknown> {
  const copy = clone(shape) as Record<string, unknown>;
  const data = (copy.data ?? copy.candidate ?? copy) as Record<string, unknown>;
  const field = typeof data.sdp === "string" ? "sdp" : typeof data.candidate === "string" ? "candidate" : undefined;
  if (field === undefined) return fc.constant(copy);
  return textMutation(data[field] as string).map((text) => {
    const mutated = clone(copy);
    const target = (mutated.data ?? mutated.candidate ?? mutated) as Record<string, unknown>;
    target[field] = text;
    return mutated;
  });
}

/** JSON text of a signal with `__proto__` keys (own properties after JSON.parse) carrying valid-looking fields. */
function protoKeyJson(shape: unknown): fc.Arbitrary<string> {
  const json = JSON.stringify(shape);
  const payloads = [`{"polluted":true,"type":"offer","sdp":"v=0\\r\\n"}`, `{"toString":"x","hasOwnProperty":1}`, `null`, `[1,2]`];
  return fc.tuple(fc.constantFrom(...payloads), fc.boolean()).map(([payload, nested]) => {
    if (nested && json.includes('"data":{')) return json.replace('"data":{', `"data":{"__proto__":${payload},`);
    return `{"__proto__":${payload},` + json.slice(1);
  });
}

/** An object whose fields are inherited, not own: what `__proto__` in an object literal makes. */
function inheritedFields(shape: unknown): fc.Arbitrary<HostileValue> {
  return fc.constant(shape).map((s) => hostile("inherited fields", () => Object.create(clone(s) as object) as unknown));
}

/** A valid signal where reading one field (at any depth) throws. */
function throwingGetter(shape: unknown): fc.Arbitrary<HostileValue> {
  const paths = pathsOf(shape);
  return fc.constantFrom(...(paths.length ? paths : [["type"]])).map((path) => hostile(`throwing getter at ${path.join(".")}`, () => {
    const copy = clone(shape) as Record<string, unknown>;
    const parent = parentOf(copy, path) ?? copy;
    Object.defineProperty(parent, path[path.length - 1] ?? "type", {
      enumerable: true,
      get() {
        throw new Error("getter says no");
      },
    });
    return copy;
  }));
}

/** A getter that answers differently each time it is read (a check-then-use race). */
function shiftingGetter(shape: unknown): fc.Arbitrary<HostileValue> {
  return fc.constantFrom("type", "data", "sdp", "candidate").map((key) => hostile(`shifting getter at ${key}`, () => {
    const copy = clone(shape) as Record<string, unknown>;
    const original = copy[key];
    let reads = 0;
    Object.defineProperty(copy, key, { enumerable: true, get: () => (reads++ % 2 === 0 ? original : { toString: () => { throw new Error("second read"); } }) });
    return copy;
  }));
}

/** Proxies: every trap throws, one trap throws, revoked, or a proxy of an array. */
function proxies(shape: unknown): fc.Arbitrary<HostileValue> {
  const boom = (): never => {
    throw new Error("trap says no");
  };
  const traps = ["get", "has", "getOwnPropertyDescriptor", "ownKeys", "getPrototypeOf", "defineProperty", "set"] as const;
  return fc.oneof(
    fc.constant(hostile("Proxy, every trap throws", () => new Proxy(clone(shape) as object, Object.fromEntries(traps.map((trap) => [trap, boom]))))),
    fc.constantFrom(...traps).map((trap) => hostile(`Proxy, ${trap} throws`, () => new Proxy(clone(shape) as object, { [trap]: boom }))),
    fc.constant(hostile("revoked Proxy", () => {
      const { proxy, revoke } = Proxy.revocable(clone(shape) as object, {});
      revoke();
      return proxy;
    })),
    fc.constant(hostile("Proxy of an array", () => new Proxy([clone(shape)], {}))),
  );
}

/** Objects whose conversion to text or JSON throws, and a cyclic one. */
const throwingConversions: fc.Arbitrary<HostileValue> = fc.constantFrom<() => unknown>(
  () => ({ type: { toString: () => { throw new Error("toString"); } } }),
  () => ({ type: "sdp", data: { type: "offer", sdp: { [Symbol.toPrimitive]: () => { throw new Error("toPrimitive"); } } } }),
  () => ({ toJSON: () => { throw new Error("toJSON"); }, type: "candidate" }),
  () => ({ type: "candidate", data: { candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", get sdpMid(): string { throw new Error("sdpMid"); } } }),
  () => {
    const cyclic: Record<string, unknown> = { type: "sdp" };
    cyclic.data = cyclic;
    return cyclic;
  },
).map((make) => hostile("throwing conversion or cycle", make));

/** Nesting deep enough to break a recursive parser, as objects and as JSON text. */
const deepNesting: fc.Arbitrary<HostileValue> = fc.tuple(fc.integer({ min: 1_000, max: 200_000 }), fc.constantFrom("object", "array", "json-object", "json-array", "data")).map(([depth, kind]) => hostile(`nesting ${depth} deep (${kind})`, () => {
  if (kind === "json-array") return "[".repeat(depth) + "]".repeat(depth);
  if (kind === "json-object") return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
  let nested: unknown = { type: "offer", sdp: "v=0\r\n" };
  for (let i = 0; i < Math.min(depth, 20_000); i++) nested = kind === "array" ? [nested] : { type: "sdp", data: nested };
  return kind === "data" ? { type: "sdp", data: nested } : nested;
}));

/** Strings at and over the signal size limit, and huge fields inside signals. */
const hugeStrings: fc.Arbitrary<HostileValue> = fc.tuple(fc.integer({ min: -2, max: 4 * MIB }), fc.constantFrom("raw", "json-sdp", "object-sdp", "candidate", "type", "keys")).map(([extra, kind]) => hostile(`huge (${kind}, ${MIB + extra} chars)`, () => {
  const size = MIB + extra;
  if (kind === "raw") return "x".repeat(size);
  if (kind === "json-sdp") return JSON.stringify({ type: "offer", sdp: "v=0\r\n" + "a".repeat(size) });
  if (kind === "object-sdp") return { type: "sdp", data: { type: "offer", sdp: "v=0\r\n" + "a".repeat(size) } };
  if (kind === "candidate") return { type: "candidate", candidate: { candidate: "candidate:" + "9".repeat(Math.min(size, 64 * 1024)), sdpMid: "0" } };
  if (kind === "type") return { type: "o".repeat(size) };
  const many: Record<string, number> = {};
  for (let i = 0; i < 100_000; i++) many[`k${i}`] = i;
  return { ...many, type: "sdp" };
}));

/**
 * Hostile inputs for `signal()`, weighted so most are cheap and every family appears in
 * a few thousand runs. Each value is fresh (mutations work on copies).
 */
export function hostileSignal(seeds: SignalSeeds): fc.Arbitrary<HostileValue> {
  const shapes = validShapes(seeds);
  const shape = fc.constantFrom(...shapes);
  return fc.oneof(
    { weight: 6, arbitrary: fc.jsonValue().map(plain("random JSON value")) },
    { weight: 4, arbitrary: fc.json().map(plain("random JSON text")) },
    { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map(plain("random string")) },
    { weight: 5, arbitrary: wrongTypes.map(plain("wrong type")) },
    { weight: 8, arbitrary: shape.chain(fieldMutation).map(plain("field mutated")) },
    { weight: 8, arbitrary: shape.chain(textFieldMutation).map(plain("sdp or candidate text mutated")) },
    { weight: 3, arbitrary: shape.chain(textFieldMutation).map((value) => JSON.stringify(value)).map(plain("mutated, as JSON text")) },
    { weight: 3, arbitrary: shape.chain(protoKeyJson).map(plain("__proto__ keys in JSON text")) },
    { weight: 2, arbitrary: shape.chain(inheritedFields) },
    { weight: 3, arbitrary: shape.chain(throwingGetter) },
    { weight: 2, arbitrary: shape.chain(shiftingGetter) },
    { weight: 3, arbitrary: shape.chain(proxies) },
    { weight: 1, arbitrary: throwingConversions },
    { weight: 1, arbitrary: shape.map((value) => JSON.stringify(JSON.stringify(value))).map(plain("JSON text of JSON text")) },
    { weight: 1, arbitrary: shape.map((value) => [value]).map(plain("signal in an array")) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: hugeStrings },
  );
}
