/**
 * The page of `npm run demo:web` (bundled by esbuild in server.ts): two rxpeer peers,
 * alice and bob, each in its own pane, meet in a room of the example signaling server and
 * then talk directly: chat, the camera shown on the other side, files with progress.
 *
 * On the data channel, text messages are JSON ({@link ControlMessage}) and binary
 * messages are `chunk()` frames of files. A file is announced by a text message, then
 * its frames follow; files go one after the other, so the n-th file that `dechunk()`
 * reassembles is the n-th one announced.
 */
import { Subject, concatMap, defer, filter, firstValueFrom, map, of, tap, type Observable } from "rxjs";
import { Peer } from "../../src/index.js";
import { chunk, connectSignaling, dechunk, sendTo } from "../../operators/index.js";
import { roomChannel } from "../signaling-server/client.js";

type ControlMessage = { type: "chat"; text: string } | { type: "file"; name: string; size: number };

const MiB = 1024 * 1024;

function parseControl(text: string): ControlMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (value.type === "chat" && typeof value.text === "string") return { type: "chat", text: value.text };
    if (value.type === "file" && typeof value.name === "string" && typeof value.size === "number") return { type: "file", name: value.name, size: value.size };
  } catch {
    // Not ours: ignored below.
  }
  return undefined;
}

async function sha256(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function mib(bytes: number): string {
  return (bytes / MiB).toFixed(bytes < 10 * MiB ? 2 : 1);
}

/** The elements of one pane, found once. */
class PaneView {
  readonly root: HTMLElement;
  readonly status: HTMLElement;
  readonly stage: HTMLElement;
  readonly remoteVideo: HTMLVideoElement;
  readonly localVideo: HTMLVideoElement;
  readonly cameraButton: HTMLButtonElement;
  readonly fileInput: HTMLInputElement;
  readonly transfer: HTMLElement;
  readonly transferLabel: HTMLElement;
  readonly progress: HTMLProgressElement;
  readonly received: HTMLElement;
  readonly log: HTMLElement;
  readonly chatForm: HTMLFormElement;
  readonly messageInput: HTMLInputElement;
  readonly sendButton: HTMLButtonElement;

  constructor(template: HTMLTemplateElement, name: string) {
    const fragment = template.content.cloneNode(true) as DocumentFragment;
    const root = fragment.querySelector<HTMLElement>(".pane");
    if (!root) throw new Error("the pane template has no .pane");
    this.root = root;
    root.id = name;
    this.find<HTMLElement>(".name").textContent = name;
    this.status = this.find(".status");
    this.stage = this.find(".stage");
    this.remoteVideo = this.find(".remote");
    this.localVideo = this.find(".local");
    this.cameraButton = this.find(".camera");
    this.fileInput = this.find(".file");
    this.transfer = this.find(".transfer");
    this.transferLabel = this.find(".transfer-label");
    this.progress = this.find(".progress");
    this.received = this.find(".received");
    this.log = this.find(".log");
    this.chatForm = this.find(".chat");
    this.messageInput = this.find(".message");
    this.sendButton = this.find(".chat button");
  }

  setStatus(state: "new" | "connected" | "closed", text: string): void {
    this.status.dataset.state = state;
    this.status.textContent = text;
  }

  enable(on: boolean): void {
    for (const control of [this.cameraButton, this.fileInput, this.messageInput, this.sendButton]) control.disabled = !on;
  }

  addLine(kind: "me" | "them" | "note", who: string, text: string): void {
    const item = document.createElement("li");
    item.className = kind;
    if (kind !== "note") {
      const name = document.createElement("b");
      name.textContent = `${who}: `;
      item.append(name);
    }
    item.append(text);
    this.log.append(item);
    this.log.scrollTop = this.log.scrollHeight;
  }

  showTransfer(label: string, fraction: number): void {
    this.transfer.hidden = false;
    this.transferLabel.textContent = label;
    this.progress.value = fraction;
  }

  private find<T extends Element>(selector: string): T {
    const element = this.root.querySelector<T>(selector);
    if (!element) throw new Error(`pane element ${selector} missing`);
    return element;
  }
}

/** One peer and its pane. */
function startPane(view: PaneView, name: string, other: string, initiator: boolean, signalingUrl: string, room: string): Peer {
  const peer = new Peer({ initiator });
  const started = performance.now();
  view.setStatus("new", "joining room…");

  peer.error$.subscribe((error) => view.addLine("note", name, `error ${error.code}: ${error.message}`));
  connectSignaling(peer, roomChannel(signalingUrl, room, { onServerError: (error) => view.addLine("note", name, `signaling: ${error.message}`) }), {
    onError: () => view.addLine("note", name, "signaling connection lost"),
  });
  peer.connect$.subscribe(() => {
    view.setStatus("connected", `connected in ${Math.round(performance.now() - started)} ms`);
    view.enable(true);
    view.addLine("note", name, `connected to ${other}`);
  });
  peer.close$.subscribe(() => {
    view.setStatus("closed", "closed");
    view.enable(false);
  });

  wireChat(view, peer, other);
  wireCamera(view, peer);
  wireFiles(view, peer, other);
  return peer;
}

function wireChat(view: PaneView, peer: Peer, other: string): void {
  view.chatForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = view.messageInput.value.trim();
    if (!text || !peer.ready) return;
    peer.send(JSON.stringify({ type: "chat", text } satisfies ControlMessage));
    view.addLine("me", "me", text);
    view.messageInput.value = "";
  });
  texts(peer).subscribe((message) => {
    if (message?.type === "chat") view.addLine("them", other, message.text);
  });
}

function texts(peer: Peer): Observable<ControlMessage | undefined> {
  return peer.data$.pipe(
    filter((data): data is string => typeof data === "string"),
    map(parseControl),
  );
}

function wireCamera(view: PaneView, peer: Peer): void {
  let camera: MediaStream | undefined;
  view.cameraButton.addEventListener("click", async () => {
    if (camera) {
      peer.removeStream(camera);
      for (const track of camera.getTracks()) track.stop();
      camera = undefined;
      view.localVideo.srcObject = null;
      view.stage.classList.remove("sharing");
      view.cameraButton.textContent = "Share camera";
      return;
    }
    view.cameraButton.disabled = true;
    try {
      camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: false });
      view.localVideo.srcObject = camera;
      view.stage.classList.add("sharing");
      peer.addStream(camera);
      view.cameraButton.textContent = "Stop camera";
    } catch (error) {
      view.addLine("note", "", `camera unavailable: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      view.cameraButton.disabled = !peer.ready;
    }
  });
  peer.stream$.subscribe((stream) => {
    view.remoteVideo.srcObject = stream;
    void view.remoteVideo.play().catch(() => undefined);
  });
  view.remoteVideo.addEventListener("playing", () => view.stage.classList.add("playing"));
  peer.removestream$.subscribe(() => {
    view.remoteVideo.srcObject = null;
    view.stage.classList.remove("playing");
  });
}

function wireFiles(view: PaneView, peer: Peer, other: string): void {
  // Sending: one file at a time, each announced by a text message right before its frames.
  const picked = new Subject<File>();
  picked.pipe(concatMap((file) => sendFile(view, peer, file))).subscribe({
    error: (error: unknown) => view.addLine("note", "", `sending failed: ${String(error)}`),
  });
  view.fileInput.addEventListener("change", () => {
    for (const file of view.fileInput.files ?? []) picked.next(file);
    view.fileInput.value = "";
  });

  // Receiving: announcements queue up; frames count towards the oldest one until dechunk()
  // hands over its bytes.
  const announced: { name: string; size: number; started: number }[] = [];
  let frameBytes = 0;
  texts(peer).subscribe((message) => {
    if (message?.type === "file") announced.push({ ...message, started: performance.now() });
  });
  const frames = peer.data$.pipe(filter((data): data is ArrayBuffer => data instanceof ArrayBuffer));
  frames.subscribe((frame) => {
    const current = announced[0];
    if (!current) return;
    frameBytes += frame.byteLength;
    // Frame bytes include each frame's header: cap the estimate until the file is whole.
    view.showTransfer(`Receiving ${current.name} from ${other}: ${mib(Math.min(frameBytes, current.size))} / ${mib(current.size)} MiB`, Math.min(0.99, frameBytes / Math.max(1, current.size)));
  });
  frames.pipe(dechunk()).subscribe({
    next: (body) => {
      const meta = announced.shift();
      frameBytes = 0;
      if (!meta || typeof body === "string") return;
      const seconds = (performance.now() - meta.started) / 1000;
      view.showTransfer(`Received ${meta.name} (${mib(body.byteLength)} MiB in ${seconds.toFixed(2)} s)`, 1);
      void sha256(body).then((digest) => addReceivedFile(view, meta.name, body, digest));
    },
    error: (error: unknown) => view.addLine("note", "", `receiving failed: ${String(error)}`),
  });
}

function sendFile(view: PaneView, peer: Peer, file: File): Observable<number> {
  return defer(() => {
    peer.send(JSON.stringify({ type: "file", name: file.name, size: file.size } satisfies ControlMessage));
    const started = performance.now();
    // sendTo() counts frame bytes; chunk() makes all frames of the file at once, so
    // when it completes their sizes add up to the total to measure progress against.
    let wireBytes = 0;
    let framed = false;
    const show = (sent: number): void => {
      const seconds = Math.max(0.001, (performance.now() - started) / 1000);
      const done = wireBytes > 0 ? (sent / wireBytes) * file.size : 0;
      view.showTransfer(`Sending ${file.name}: ${mib(done)} / ${mib(file.size)} MiB · ${mib(done / seconds)} MiB/s`, wireBytes > 0 ? sent / wireBytes : 0);
    };
    return of(file).pipe(
      chunk(),
      tap({ next: (frame) => (wireBytes += frame.byteLength), complete: () => (framed = true) }),
      sendTo(peer),
      tap({
        next: (sent) => framed && show(sent),
        complete: () => view.showTransfer(`Sent ${file.name} (${mib(file.size)} MiB in ${((performance.now() - started) / 1000).toFixed(2)} s)`, 1),
      }),
    );
  });
}

function addReceivedFile(view: PaneView, name: string, body: ArrayBuffer, digest: string): void {
  const item = document.createElement("li");
  item.dataset.name = name;
  item.dataset.size = String(body.byteLength);
  item.dataset.sha256 = digest;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([body]));
  link.download = name;
  link.textContent = name;
  const sha = document.createElement("div");
  sha.className = "sha";
  sha.textContent = `SHA-256 ${digest}`;
  item.append(link, ` · ${body.byteLength.toLocaleString("en")} bytes`, sha);
  view.received.append(item);
}

function main(): void {
  const signalingUrl = document.body.dataset.signaling ?? "";
  const template = document.querySelector<HTMLTemplateElement>("#pane");
  const panes = document.querySelector("#panes");
  if (!signalingUrl.startsWith("ws") || !template || !panes) throw new Error("the page is missing its signaling URL or pane template");
  const room = new URLSearchParams(location.search).get("room") ?? `room-${Math.random().toString(36).slice(2, 8)}`;
  for (const [id, text] of [["room", room], ["signaling", signalingUrl]] as const) {
    const element = document.getElementById(id);
    if (element) element.textContent = text;
  }
  const alice = new PaneView(template, "alice");
  const bob = new PaneView(template, "bob");
  panes.append(alice.root, bob.root);
  const peers = [startPane(alice, "alice", "bob", true, signalingUrl, room), startPane(bob, "bob", "alice", false, signalingUrl, room)];
  addEventListener("pagehide", () => {
    for (const peer of peers) peer.destroy();
  });
  // For the console (and the end-to-end test): resolves once both peers are connected.
  Object.assign(window, { rxpeerDemo: { peers, connected: Promise.all(peers.map((peer) => firstValueFrom(peer.connect$))) } });
}

main();
