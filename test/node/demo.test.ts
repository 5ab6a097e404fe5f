// `npm run demo`, the README's main command, run as a user would (with a smaller file):
// it must exit 0 and report a matching SHA-256 after chat and a transfer with progress.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";

function runDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "demo"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    child.stderr.on("data", (data: Buffer) => (output += data.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("npm run demo", () => {
  it("connects two peers through the signaling server, chats, sends a file and reports a matching SHA-256", async () => {
    const { code, output } = await runDemo({ RXPEER_DEMO_MIB: "8", RXPEER_DEMO_FILE_MIB: "16" });
    expect(output).toMatch(/signaling server on ws:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/alice and bob connected in \d+ ms/);
    expect(output).toContain("alice > hello bob");
    expect(output).toContain('bob   > got "hello bob"');
    expect(output).toMatch(/\[#+\]\s+8\.0 \/ 8\.0 MiB\s+[\d.]+ MiB\/s/); // the finished progress bar
    expect(output).toMatch(/bob received 8\.0 MiB in [\d.]+ s: [\d.]+ MiB\/s/);
    const sent = /SHA-256 sent {5}([0-9a-f]{64})/.exec(output)?.[1];
    const received = /SHA-256 received ([0-9a-f]{64})/.exec(output)?.[1];
    expect(sent).toBeDefined();
    expect(received).toBe(sent);
    expect(output).toContain("SHA-256 match: yes");
    // Then sendFile to another process: progress, both sides' memory, a second matching hash.
    expect(output).toMatch(/\[#+\]\s+16\.0 \/ 16\.0 MiB/);
    expect(output).toMatch(/the receiver got "generated\.bin": 16\.0 MiB/);
    expect(output).toMatch(/peak memory growth: sender [\d.]+ MiB, receiver [\d.]+ MiB/);
    expect(output.match(/SHA-256 match: yes/g)?.length).toBe(2);
    expect(code).toBe(0);
  }, 60_000);

  it("exits non-zero on bad input", async () => {
    const { code, output } = await runDemo({ RXPEER_DEMO_MIB: "lots" });
    expect(output).toMatch(/RXPEER_DEMO_MIB must be a number/);
    expect(code).not.toBe(0);
  }, 30_000);
});
