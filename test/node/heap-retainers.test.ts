// The retainer paths the Chromium pair soak prints when something stays reachable
// (test/support/heap-retainers.ts): an object kept on purpose must be reported with the chain
// that keeps it, up to a GC root, and an object only a WeakRef holds must not be given one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, CDPSession, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";
import { retainerPaths } from "../support/heap-retainers.js";

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

describe("retainerPaths", () => {
  it("names the chain that keeps an object, from the object up to a GC root", async () => {
    await page.evaluate(() => {
      const connection = new RTCPeerConnection();
      connection.close();
      (window as unknown as { keptOnPurpose: object[] }).keptOnPurpose = [connection];
    });
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
