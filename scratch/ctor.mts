import wrtc from "@roamhq/wrtc";
import { Peer } from "../src/index.js";
const W = wrtc as any;
const N = 40;
function med(a: number[]) { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]!.toFixed(3); }
const kinds: Record<string, () => { close(): void }> = {
  rawB: () => { const pc = new W.RTCPeerConnection({ iceServers: [] }); pc.onicecandidate = () => {}; pc.onconnectionstatechange = () => {}; pc.ondatachannel = () => {}; return pc; },
  rawA: () => { const pc = new W.RTCPeerConnection({ iceServers: [] }); pc.onicecandidate = () => {}; pc.createDataChannel("x"); return pc; },
  peerB: () => { const p = new Peer({ wrtc: W, debug: 0 }); return { close: () => p.destroy() }; },
  peerA: () => { const p = new Peer({ wrtc: W, debug: 0, initiator: true }); return { close: () => p.destroy() }; },
};
const times: Record<string, number[]> = {};
for (let i = 0; i < N; i++) for (const [name, make] of Object.entries(kinds)) {
  await new Promise((r) => setTimeout(r, 30));
  const t = performance.now();
  const x = make();
  (times[name] ??= []).push(performance.now() - t);
  await new Promise((r) => setTimeout(r, 5));
  x.close();
}
console.log(Object.entries(times).map(([k, v]) => `${k} ${med(v)}`).join("  "));
process.exit(0);
