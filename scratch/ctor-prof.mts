import wrtc from "@roamhq/wrtc";
import { Peer } from "../src/index.js";
const W = wrtc as any;
const N = Number(process.env.N ?? 800);
let js = 0;
for (let i = 0; i < N; i++) {
  const p = new Peer({ wrtc: W, debug: 0, initiator: i % 2 === 0 });
  if (i % 10 === 9) await new Promise((r) => setTimeout(r, 1));
  p.destroy();
}
process.exit(0);
