import wrtc from "@roamhq/wrtc";
import { Peer } from "./inst/src/index.js";
const W = wrtc as any;
const N = 40;
const acc = new Map<string, number[]>();
let t0 = 0, last = 0;
(globalThis as any).__mark = (line: number) => { const now = performance.now(); const k = String(line); (acc.get(k) ?? acc.set(k, []).get(k)!).push(now - last); last = now; };
for (const initiator of [false, true]) {
  acc.clear();
  for (let i = 0; i < N; i++) {
    await new Promise((r) => setTimeout(r, 30));
    t0 = last = performance.now();
    const p = new Peer({ wrtc: W, debug: 0, initiator });
    (globalThis as any).__mark("end");
    const total = performance.now() - t0;
    (acc.get("total") ?? acc.set("total", []).get("total")!).push(total);
    await new Promise((r) => setTimeout(r, 5));
    p.destroy();
  }
  const med = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]!; };
  console.log(initiator ? "initiator" : "answerer", [...acc].map(([k, v]) => `${k}:${med(v).toFixed(3)}`).join(" "));
}
process.exit(0);
