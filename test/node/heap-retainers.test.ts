// The retainer paths the Chromium pair soak prints when something stays reachable
// (test/support/heap-retainers.ts): an object kept on purpose must be reported with the chain
// that keeps it, up to a GC root, and an object only a WeakRef holds must not be given one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, CDPSession, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";
import { retainerPaths } from "../support/heap-retainers.js";
import { keptByChromium } from "../support/chromium-pair-soak.js";

let browser: Browser;
let page: Page;
let cdp: CDPSession;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
  cdp = await page.context().newCDPSession(page);
});

afterAll(async () => {
  await browser?.close();
});

/** A closed connection the page keeps on purpose, at `window.keptOnPurpose[0]`. */
async function keepAClosedConnection(): Promise<void> {
  await page.evaluate(() => {
    const connection = new RTCPeerConnection();
    connection.close();
    (window as unknown as { keptOnPurpose: object[] }).keptOnPurpose = [connection];
  });
}

describe("retainerPaths", () => {
  it("names the chain that keeps an object, from the object up to a GC root", async () => {
    await keepAClosedConnection();
    const [paths] = await retainerPaths(cdp, ["window.keptOnPurpose[0]"]);
    expect(paths?.[0]).toMatch(/^native RTCPeerConnection @\d+ <-\[\[0\]\]- Array @\d+ <-\[keptOnPurpose\]- Window .*\(GC roots\)/);
  });

  it("names the variable through which a pending callback keeps an object", async () => {
    await page.evaluate(() => {
      const heldByTimer = { kind: "captured by a timer's callback" };
      const w = window as unknown as { timer: ReturnType<typeof setTimeout>; probe: WeakRef<object> };
      w.timer = setTimeout(() => heldByTimer.kind, 60_000);
      w.probe = new WeakRef(heldByTimer);
    });
    const [paths] = await retainerPaths(cdp, ["window.probe.deref()"]);
    expect(paths?.[0]).toMatch(/^Object @\d+ <-\[context heldByTimer\]- .*\(GC roots\)/);
  });

  it("gives no path to an object that only a WeakRef holds", async () => {
    await page.evaluate(() => {
      (window as unknown as { probe: WeakRef<object> }).probe = new WeakRef({ kind: "only weakly held" });
    });
    expect(await retainerPaths(cdp, ["window.probe.deref()"])).toEqual([["(collected before the snapshot)"]]);
  });
});

// The pair soak tells Chromium's own leak (docs/runtimes.md) from anything else by the retainer path alone.
describe("keptByChromium", () => {
  // As the soak reported it in a failing run (2026-12-02).
  const scheduledChange =
    "native RTCPeerConnection @7413 <-[internal void blink::RTCPeerConnection::ChangePeerConnectionState(webrtc::PeerConnectionInterface::PeerConnectionState)@../../third_party/blink/renderer/modules/peerconnection/rtc_peer_connection.cc:3114]- synthetic C++ Persistent roots @69863 <-[[29]]- synthetic (GC roots) @3 <-[[1]]- synthetic (root) @1";

  it("is a connection held only by Blink's scheduled state-change callbacks", () => {
    expect(keptByChromium("8: initiator's connection", [scheduledChange])).toBe(true);
    expect(keptByChromium("8: initiator's connection", [scheduledChange.replace("ChangePeerConnectionState", "ChangeIceGatheringState")])).toBe(true);
  });

  it("is not anything held from JavaScript, a peer or a channel, or something with no path found", async () => {
    await keepAClosedConnection();
    const [held] = await retainerPaths(cdp, ["window.keptOnPurpose[0]"]);
    expect(held?.length).toBeGreaterThan(0);
    expect(keptByChromium("3: answerer's connection", held ?? [])).toBe(false);
    // One path from JavaScript among Blink's is enough to count.
    expect(keptByChromium("3: answerer's connection", [scheduledChange, ...(held ?? [])])).toBe(false);
    expect(keptByChromium("3: answerer", [scheduledChange])).toBe(false);
    expect(keptByChromium("3: answerer's channel", [scheduledChange])).toBe(false);
    expect(keptByChromium("3: answerer's connection", [])).toBe(false);
  });
});
