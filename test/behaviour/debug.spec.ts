// The debug option: which console methods print at each level, all prefixed [rxpeer].
import { expect } from "chai";
import { PeerError, Peer } from "../../src/index.js";
import { createLogger, type LogLevel } from "../../src/logger.js";
import { makePeer } from "../support/peers.js";

type Method = "error" | "warn" | "info" | "debug";
const methods: Method[] = ["error", "warn", "info", "debug"];

/** Replaces the console methods by recorders until `restore()`. */
function intercept(): { calls: Record<Method, unknown[][]>; restore(): void } {
  const calls: Record<Method, unknown[][]> = { error: [], warn: [], info: [], debug: [] };
  const originals = methods.map((method) => console[method]);
  methods.forEach((method) => {
    console[method] = (...args: unknown[]) => void calls[method].push(args);
  });
  return { calls, restore: () => methods.forEach((method, i) => (console[method] = originals[i]!)) };
}

/** What `run` printed to each console method. */
function capture(run: () => void): Record<Method, unknown[][]> {
  const { calls, restore } = intercept();
  try {
    run();
  } finally {
    restore();
  }
  return calls;
}

/** What `run` printed to each console method while it ran (it may await). */
async function captureWhile(run: () => Promise<void>): Promise<Record<Method, unknown[][]>> {
  const { calls, restore } = intercept();
  try {
    await run();
  } finally {
    restore();
  }
  return calls;
}

describe("debug levels", () => {
  const expected: Record<LogLevel, Method[]> = {
    0: [],
    1: ["error"],
    2: ["error", "warn"],
    3: ["error", "warn", "info"],
    4: ["error", "warn", "info", "debug"],
  };
  for (const level of [0, 1, 2, 3, 4] as LogLevel[]) {
    it(`prints ${expected[level].join(", ") || "nothing"} at level ${level}`, () => {
      const calls = capture(() => {
        const log = createLogger(level);
        for (const method of methods) log[method]("hello", method);
      });
      for (const method of methods) {
        const printed = calls[method];
        if (expected[level].includes(method)) expect(printed).to.deep.equal([["[rxpeer]", "hello", method]]);
        else expect(printed).to.deep.equal([]);
      }
    });
  }

  it("logs a bad signal as an error at the default level, with the prefix", async () => {
    const calls = { error: [] as unknown[][] };
    const original = console.error;
    console.error = (...args: unknown[]) => void calls.error.push(args);
    try {
      const peer = makePeer({ debug: 1 });
      await peer.signal("not json");
    } finally {
      console.error = original;
    }
    expect(calls.error).to.have.length(1);
    expect(calls.error[0]![0]).to.equal("[rxpeer]");
    expect(String(calls.error[0]![1])).to.match(/ERR_SIGNAL_INVALID: signal string is not valid JSON/);
  });

  it("defaults to level 1: an error prints, a warning and info lines do not", async () => {
    const calls = await captureWhile(async () => {
      const peer = makePeer({ initiator: true, debug: undefined });
      await peer.signal("not json"); // an error
      peer.destroy(); // info lines
      await peer.signal("not json"); // a warning: signal() after destroy
    });
    expect(calls.error.length, "errors printed").to.equal(1);
    expect(calls.warn, "warnings printed").to.deep.equal([]);
    expect(calls.info, "info printed").to.deep.equal([]);
  });

  it("prints info lines of a real peer at level 3", () => {
    const calls = capture(() => {
      makePeer({ debug: 3, initiator: true });
    });
    expect(calls.info.some((args) => args[0] === "[rxpeer]" && /peer created \(initiator\)/.test(String(args[1])))).to.equal(true);
  });

  it("throws ERR_WEBRTC_SUPPORT when the implementation has no RTCPeerConnection", () => {
    expect(() => new Peer({ wrtc: {} as never })).to.throw(PeerError, /no WebRTC implementation/).with.property("code", "ERR_WEBRTC_SUPPORT");
  });
});
