/**
 * The page of `npm run demo:web` (bundled by esbuild in server.ts): two rxpeer peers,
 * alice and bob, each in its own pane, meet in a room of the example signaling server and
 * then talk directly: chat, the camera shown on the other side, files with progress.
 * With `?room=<name>&tab` in the URL the page is one peer only, and a second tab opened on
 * the same URL is the other (the two tabs agree who offers through the room first).
 *
 * On the data channel, text messages are chat as JSON ({@link ControlMessage}); files go
 * with `sendFile` / `receiveFiles` (binary transfer frames beside the chat). A received file
 * is written to the Origin Private File System as it arrives, never held whole in memory;
 * either side can cancel a transfer while it runs.
 */
import { ReplaySubject, filter, firstValueFrom, lastValueFrom, map, type Observable } from "rxjs";
import { Peer, type SignalData } from "../../src/index.js";
import { connectSignaling, receiveFiles, sendFile, type IncomingFile, type SignalingChannel } from "../../operators/index.js";
import { roomChannel } from "../signaling-server/client.js";

type ControlMessage = { type: "chat"; text: string };
/** Files up to this size are read back from disk once written, to show their SHA-256. */
const HASHED_UP_TO = 64 * 1024 * 1024;

const MiB = 1024 * 1024;

function parseControl(text: string): ControlMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (value.type === "chat" && typeof value.text === "string") return { type: "chat", text: value.text };
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
  readonly cancelButton: HTMLButtonElement;
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
    this.cancelButton = this.find(".cancel");
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

  /** Shows a transfer's state; `cancel`, while it runs, is what the Cancel button does. */
  showTransfer(label: string, fraction: number, cancel?: () => void): void {
    this.transfer.hidden = false;
    this.transferLabel.textContent = label;
    this.progress.value = fraction;
    this.cancelButton.hidden = cancel === undefined;
    this.cancelButton.onclick = cancel ? () => cancel() : null;
  }

  private find<T extends Element>(selector: string): T {
    const element = this.root.querySelector<T>(selector);
    if (!element) throw new Error(`pane element ${selector} missing`);
    return element;
  }
}

/** One peer and its pane. */
function startPane(view: PaneView, name: string, other: string, initiator: boolean, channel: SignalingChannel): Peer {
  const peer = new Peer({ initiator });
  const started = performance.now();

  peer.error$.subscribe((error) => view.addLine("note", name, `error ${error.code}: ${error.message}`));
  connectSignaling(peer, channel, {
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
  view.fileInput.addEventListener("change", () => {
    for (const file of view.fileInput.files ?? []) sendPicked(view, peer, file);
    view.fileInput.value = "";
  });
  const folder = navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(`rxpeer-demo-${view.root.id}`, { create: true }));
  receiveFiles(peer, { maxConcurrent: 4 }).subscribe((incoming) => {
    void receiveToDisk(view, incoming, other, folder).catch((error: unknown) => {
      view.showTransfer(`Receiving ${incoming.name} stopped: ${error instanceof Error ? error.message : String(error)}`, view.progress.value);
    });
  });
}

function sendPicked(view: PaneView, peer: Peer, file: File): void {
  const started = performance.now();
  const subscription = sendFile(peer, file).subscribe({
    next: ({ bytes }) => {
      const seconds = Math.max(0.001, (performance.now() - started) / 1000);
      view.showTransfer(`Sending ${file.name}: ${mib(bytes)} / ${mib(file.size)} MiB · ${mib(bytes / seconds)} MiB/s`, bytes / Math.max(1, file.size), cancel);
    },
    complete: () => view.showTransfer(`Sent ${file.name} (${mib(file.size)} MiB in ${((performance.now() - started) / 1000).toFixed(2)} s)`, 1),
    // ERR_TRANSFER_CANCELLED when the other side cancels, ERR_PEER_CLOSED if it leaves.
    error: (error: unknown) => view.showTransfer(`Sending ${file.name} stopped: ${error instanceof Error ? error.message : String(error)}`, view.progress.value),
  });
  function cancel(): void {
    subscription.unsubscribe(); // stops reading the file and tells the receiver
    view.showTransfer(`Sending ${file.name} cancelled`, view.progress.value);
  }
}

/** Writes an incoming file to the Origin Private File System as its bytes arrive, with progress and a Cancel button. */
async function receiveToDisk(view: PaneView, incoming: IncomingFile, other: string, folder: Promise<FileSystemDirectoryHandle>): Promise<void> {
  const name = incoming.name.replace(/[\\/]/g, "_") || "file";
  const handle = await (await folder).getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  const started = performance.now();
  const size = incoming.size ?? 0;
  const aborting = new AbortController();
  const cancel = (): void => aborting.abort(new Error("cancelled by the receiver"));
  let bytes = 0;
  const counting = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength;
      view.showTransfer(`Receiving ${incoming.name} from ${other}: ${mib(bytes)} / ${mib(size)} MiB`, bytes / Math.max(1, size), cancel);
      controller.enqueue(chunk);
    },
  });
  view.showTransfer(`Receiving ${incoming.name} from ${other}`, 0, cancel);
  try {
    // Aborting cancels incoming.stream, which tells the sender (its sendFile errors with ERR_TRANSFER_CANCELLED).
    await incoming.stream.pipeThrough(counting).pipeTo(writable, { signal: aborting.signal });
  } catch (error) {
    await (await folder).removeEntry(name).catch(() => undefined);
    throw aborting.signal.aborted ? new Error("cancelled") : error;
  }
  const seconds = (performance.now() - started) / 1000;
  view.showTransfer(`Received ${incoming.name} (${mib(bytes)} MiB in ${seconds.toFixed(2)} s), saved to this origin's private file system`, 1);
  const file = await handle.getFile();
  const digest = file.size <= HASHED_UP_TO ? await sha256(await file.arrayBuffer()) : undefined;
  addReceivedFile(view, incoming.name, file, digest);
}

function addReceivedFile(view: PaneView, name: string, file: File, digest: string | undefined): void {
  const item = document.createElement("li");
  item.dataset.name = name;
  item.dataset.size = String(file.size);
  if (digest) item.dataset.sha256 = digest;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(file); // backed by the file on disk, not by memory
  link.download = name;
  link.textContent = name;
  const sha = document.createElement("div");
  sha.className = "sha";
  sha.textContent = digest ? `SHA-256 ${digest}` : `SHA-256 not computed above ${mib(HASHED_UP_TO)} MiB`;
  item.append(link, ` · ${file.size.toLocaleString("en")} bytes`, sha);
  view.received.append(item);
}

/** A room of the signaling server for one pane, its server errors noted in the pane. */
function paneChannel(view: PaneView, name: string, signalingUrl: string, room: string): SignalingChannel {
  view.setStatus("new", "joining room…");
  return roomChannel(signalingUrl, room, { onServerError: (error) => view.addLine("note", name, `signaling: ${error.message}`) });
}

/** What each tab sends first in two-tab mode: a random number; the larger offers. */
interface Hello {
  type: "rxpeer-demo-hello";
  nonce: number;
}

function isHello(message: unknown): message is Hello {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "rxpeer-demo-hello";
}

/**
 * Two-tab mode: joins the room, swaps a Hello with the other tab (the server holds ours
 * until it joins), and resolves with whether this tab offers, and the room as a signaling
 * channel that carries the rest (one socket: a room holds two clients).
 */
async function pairWithOtherTab(view: PaneView, signalingUrl: string, room: string): Promise<{ initiator: boolean; channel: SignalingChannel }> {
  const socket = paneChannel(view, "this tab", signalingUrl, room);
  const signals = new ReplaySubject<unknown>();
  const nonce = Math.random();
  const theirs = new Promise<number>((resolve) => {
    socket.subscribe({
      next: (message) => (isHello(message) ? resolve(message.nonce) : signals.next(message)),
      error: (error: unknown) => signals.error(error),
    });
  });
  socket.next({ type: "rxpeer-demo-hello", nonce } satisfies Hello as unknown as SignalData);
  view.setStatus("new", "waiting for the other tab… (open this URL in a second tab)");
  const other = await theirs;
  return { initiator: nonce > other, channel: Object.assign(signals.asObservable(), { next: (signal: SignalData) => socket.next(signal) }) };
}

function main(): void {
  const signalingUrl = document.body.dataset.signaling ?? "";
  const template = document.querySelector<HTMLTemplateElement>("#pane");
  const panes = document.querySelector("#panes");
  if (!signalingUrl.startsWith("ws") || !template || !panes) throw new Error("the page is missing its signaling URL or pane template");
  const params = new URLSearchParams(location.search);
  const room = params.get("room") ?? `room-${Math.random().toString(36).slice(2, 8)}`;
  for (const [id, text] of [["room", room], ["signaling", signalingUrl]] as const) {
    const element = document.getElementById(id);
    if (element) element.textContent = text;
  }
  if (params.has("tab")) return startTab(template, panes, signalingUrl, room);
  const alice = new PaneView(template, "alice");
  const bob = new PaneView(template, "bob");
  panes.append(alice.root, bob.root);
  const peers = [
    startPane(alice, "alice", "bob", true, paneChannel(alice, "alice", signalingUrl, room)),
    startPane(bob, "bob", "alice", false, paneChannel(bob, "bob", signalingUrl, room)),
  ];
  addEventListener("pagehide", () => {
    for (const peer of peers) peer.destroy();
  });
  // For the console (and the end-to-end test): resolves once both peers are connected.
  Object.assign(window, { rxpeerDemo: { peers, connected: Promise.all(peers.map((peer) => firstValueFrom(peer.connect$))) } });
}

/** Two-tab mode: this page is one peer, in one pane named "tab". */
function startTab(template: HTMLTemplateElement, panes: Element, signalingUrl: string, room: string): void {
  const view = new PaneView(template, "tab");
  panes.append(view.root);
  panes.classList.add("single");
  const intro = document.querySelector("header p");
  if (intro) intro.textContent = `This tab is one peer of room ${room}; open the same URL in another tab (or on another machine that reaches this server) for the other.`;
  const paired = pairWithOtherTab(view, signalingUrl, room).then(({ initiator, channel }) => {
    const peer = startPane(view, "this tab", "the other tab", initiator, channel);
    addEventListener("pagehide", () => peer.destroy());
    return peer;
  });
  // For the console (and bench/browser-files.ts): send any Blob to the other tab, as the file picker does.
  const sendBlob = async (blob: Blob, name: string): Promise<void> => {
    const peer = await paired;
    await firstValueFrom(peer.connected$.pipe(filter(Boolean)));
    await lastValueFrom(sendFile(peer, blob, { name }));
  };
  Object.assign(window, { rxpeerDemo: { sendBlob } });
}

main();
