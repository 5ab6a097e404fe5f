// The Angular recipe of docs/angular.md (examples/angular/*.ts): it type-checks against
// @angular/core with the TypeScript compiler as an Angular CLI project would (strict,
// experimentalDecorators), and two PeerServices, each made by its own Angular injector
// on @roamhq/wrtc, connect, chat, send a file and tear down when their injector is destroyed.
import { afterEach, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import ts from "typescript";
import "@angular/compiler"; // JIT: lets the @Injectable decorator compile at runtime
import * as angularCore from "@angular/core";
import * as rxjsInterop from "@angular/core/rxjs-interop";
import * as rxjs from "rxjs";
import * as rxjsWebSocket from "rxjs/webSocket";
import wrtc from "@roamhq/wrtc";
import * as rxpeer from "../../src/index.js";
import * as operators from "../../operators/index.js";
import type { PeerOptions, SignalData, WebRTCImplementation } from "../../src/index.js";
import type { SignalingChannel } from "../../operators/index.js";
import type { PeerService as PeerServiceType, PEER_OPTIONS as PeerOptionsToken } from "../../examples/angular/peer.service.js";

const { Injector, createEnvironmentInjector } = angularCore;
const { ReplaySubject, filter, firstValueFrom, lastValueFrom } = rxjs;

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));
const serviceFile = path("../../examples/angular/peer.service.ts");
const componentFile = path("../../examples/angular/chat.component.ts");

/** Compiler options of a strict Angular CLI project, with `rxpeer` mapped to this repository's sources. */
const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  experimentalDecorators: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  types: [],
  skipLibCheck: true,
  noEmit: true,
  paths: { rxpeer: [path("../../src/index.ts")], "rxpeer/operators": [path("../../operators/index.ts")] },
};

function diagnosticsOf(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file ? `${diagnostic.file.fileName}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
  });
}

interface ExampleModule {
  PeerService: typeof PeerServiceType;
  PEER_OPTIONS: typeof PeerOptionsToken;
}

/** The example as Angular's JIT runs it: decorators applied, imports bound to the real packages and to this repository. */
function loadExample(): ExampleModule {
  const { outputText } = ts.transpileModule(readFileSync(serviceFile, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true },
    fileName: serviceFile,
  });
  const packages: Record<string, unknown> = {
    "@angular/core": angularCore,
    "@angular/core/rxjs-interop": rxjsInterop,
    rxjs,
    "rxjs/webSocket": rxjsWebSocket,
    rxpeer,
    "rxpeer/operators": operators,
  };
  const require = (id: string): unknown => {
    if (!(id in packages)) throw new Error(`the Angular example imports ${id}, which this test does not provide`);
    return packages[id];
  };
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", outputText)(module.exports, require, module);
  return module.exports as unknown as ExampleModule;
}

/** A channel pair standing in for a signaling server: what one side sends, the other receives, queued until it listens. */
function signalingPair(): [SignalingChannel, SignalingChannel] {
  const toA = new ReplaySubject<SignalData>();
  const toB = new ReplaySubject<SignalData>();
  return [
    Object.assign(toA.asObservable(), { next: (signal: SignalData) => toB.next(signal) }),
    Object.assign(toB.asObservable(), { next: (signal: SignalData) => toA.next(signal) }),
  ];
}

const injectors: angularCore.EnvironmentInjector[] = [];

/** An environment injector providing PeerService with these options, as an app (or a route) would. */
function makeInjector(example: ExampleModule, options: Partial<PeerOptions>): angularCore.EnvironmentInjector {
  const parent = Injector.create({ providers: [] }) as angularCore.EnvironmentInjector;
  const injector = createEnvironmentInjector([example.PeerService, { provide: example.PEER_OPTIONS, useValue: options }], parent);
  injectors.push(injector);
  return injector;
}

afterEach(() => {
  for (const injector of injectors.splice(0)) {
    try {
      injector.destroy();
    } catch {
      // destroyed by the test already
    }
  }
});

describe("the Angular example (docs/angular.md)", () => {
  it("type-checks against @angular/core as a strict Angular CLI project, with zero diagnostics", () => {
    expect(diagnosticsOf([serviceFile, componentFile], compilerOptions)).toEqual([]);
  });

  it("also type-checks with standard (TC39) decorators", () => {
    expect(diagnosticsOf([serviceFile, componentFile], { ...compilerOptions, experimentalDecorators: false })).toEqual([]);
  });

  it("is shown in docs/angular.md as it is in examples/angular/, from the imports down", () => {
    const doc = readFileSync(path("../../docs/angular.md"), "utf8");
    for (const file of [serviceFile, componentFile]) {
      const source = readFileSync(file, "utf8");
      const code = source.slice(source.indexOf("\nimport ") + 1).trimEnd();
      expect(doc.includes(`\`\`\`ts\n${code}\n\`\`\``), `${file} is not in docs/angular.md verbatim`).toBe(true);
    }
  });

  it("would report a mistake (the check is not vacuous)", () => {
    const broken = path("../../examples/angular/__broken__.ts"); // exists only in this compiler host
    const host = ts.createCompilerHost(compilerOptions);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => (file === broken ? 'import { PeerService } from "./peer.service.js";\nconst n: number = new PeerService().connected();\n' : readFile(file));
    host.fileExists = ((exists) => (file: string) => file === broken || exists(file))(host.fileExists.bind(host));
    const program = ts.createProgram([broken], compilerOptions, host);
    const messages = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(messages.some((message) => message.includes("'boolean' is not assignable to type 'number'"))).toBe(true);
  });

  it("runs: two services connect, exchange text and a file, and tear down with their injector", async () => {
    const example = loadExample();
    const implementation = wrtc as unknown as WebRTCImplementation;
    const alice = makeInjector(example, { initiator: true, wrtc: implementation, debug: 0 });
    const bob = makeInjector(example, { wrtc: implementation, debug: 0 });
    const a = alice.get(example.PeerService);
    const b = bob.get(example.PeerService);
    expect(a).toBeInstanceOf(example.PeerService);
    expect(alice.get(example.PeerService)).toBe(a); // one per injector

    expect(a.connected()).toBe(false);
    expect(a.texts()).toEqual([]);
    expect(() => a.send("too early")).toThrow(expect.objectContaining({ code: "ERR_NOT_CONNECTED" }));

    const [channelA, channelB] = signalingPair();
    a.signalOver(channelA);
    b.signalOver(channelB);
    await Promise.all([firstValueFrom(a.connected$.pipe(filter(Boolean))), firstValueFrom(b.connected$.pipe(filter(Boolean)))]);
    expect(a.connected()).toBe(true);
    expect(b.connected()).toBe(true);

    const text = firstValueFrom(a.texts$);
    b.send("hello from bob");
    expect(await text).toBe("hello from bob");
    expect(a.texts()).toEqual(["hello from bob"]);

    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) % 251);
    const file = firstValueFrom(b.files$);
    const sent = await lastValueFrom(a.sendFile(bytes));
    expect(sent).toBeGreaterThan(bytes.byteLength); // payload plus frame headers
    expect(new Uint8Array(await file)).toEqual(bytes);

    const bobClosed = firstValueFrom(b.peer.close$, { defaultValue: undefined });
    alice.destroy();
    expect(a.peer.destroyed).toBe(true);
    expect(a.connected()).toBe(false);
    expect(a.connectionState()).toBe("closed");
    await bobClosed;
    expect(b.peer.destroyed).toBe(true);
    expect(b.connected()).toBe(false);
    expect(a.lastError()).toBeUndefined();
  });
});
