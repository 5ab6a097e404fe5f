/**
 * An Angular service that owns one rxpeer Peer and hands its Observables to components,
 * as Observables (for the `async` pipe) and as signals (`toSignal`). The peer lives as
 * long as the injector that created the service: destroying it (the app, or a route's
 * or component's injector when provided there) unwires signaling and destroys the peer.
 * docs/angular.md walks through it; test/node/angular-example.test.ts compiles it
 * against @angular/core and runs two of these services against each other.
 */
import { DestroyRef, Injectable, InjectionToken, inject, type Signal } from "@angular/core";
import { toSignal } from "@angular/core/rxjs-interop";
import { Subscription, filter, of, scan, share, type Observable } from "rxjs";
import { webSocket } from "rxjs/webSocket";
import { Peer, type PeerError, type PeerOptions, type SignalData } from "rxpeer";
import { chunk, connectSignaling, dechunk, sendTo, type SignalingChannel } from "rxpeer/operators";

/** The Peer's options for this injector; on Node (tests, SSR) give `wrtc` here. */
export const PEER_OPTIONS = new InjectionToken<Partial<PeerOptions>>("rxpeer PeerOptions", {
  providedIn: "root",
  factory: () => ({}),
});

@Injectable({ providedIn: "root" })
export class PeerService {
  /** The peer itself, for what the service does not wrap (media, stats). */
  readonly peer = new Peer(inject(PEER_OPTIONS));
  private readonly signaling = new Subscription();
  // Registered before the toSignal() calls below, so it runs before they unsubscribe:
  // the signals then end on the closed state (connected() false) instead of freezing.
  private readonly teardown = inject(DestroyRef).onDestroy(() => {
    this.signaling.unsubscribe();
    this.peer.destroy();
  });

  // Observables, for the async pipe and for composing.
  /** Whether the data channel is open; replays the current value. */
  readonly connected$: Observable<boolean> = this.peer.connected$;
  /** Text messages from the other side. */
  readonly texts$: Observable<string> = this.peer.data$.pipe(filter((message): message is string => typeof message === "string"));
  /**
   * Files from the other side, reassembled from the frames `sendFile` makes. Shared, so
   * every subscriber sees the same files; subscribe before the other side starts sending.
   */
  readonly files$: Observable<ArrayBuffer> = this.peer.data$.pipe(
    filter((message): message is ArrayBuffer => typeof message !== "string"),
    dechunk(),
    filter((message): message is ArrayBuffer => typeof message !== "string"),
    share(),
  );
  /** Every PeerError; branch on `code`. */
  readonly errors$: Observable<PeerError> = this.peer.error$;

  // Signals, for templates and computed(); toSignal unsubscribes when the injector is destroyed.
  readonly connected: Signal<boolean> = toSignal(this.peer.connected$, { requireSync: true });
  readonly connectionState: Signal<RTCPeerConnectionState> = toSignal(this.peer.connectionState$, { requireSync: true });
  readonly texts: Signal<readonly string[]> = toSignal(this.texts$.pipe(scan((all: readonly string[], text: string) => [...all, text], [])), {
    initialValue: [],
  });
  readonly lastError: Signal<PeerError | undefined> = toSignal(this.peer.error$, { initialValue: undefined });

  /** Signals over a WebSocket whose messages are JSON signals (rxjs `webSocket` serializes them). */
  connect(url: string): void {
    this.signalOver(webSocket<SignalData>(url));
  }

  /** Signals over any two-way channel: an Observable of incoming signals that takes outgoing ones with `next`. */
  signalOver(channel: SignalingChannel): void {
    this.signaling.add(connectSignaling(this.peer, channel));
  }

  /** Sends a text message, or throws PeerError `ERR_NOT_CONNECTED` when not connected. */
  send(text: string): void {
    this.peer.send(text);
  }

  /**
   * Sends a file (or any bytes) in frames, with backpressure, once connected. Subscribe to
   * start; it emits the bytes sent so far (e.g. `| async` for a progress bar) and completes
   * when all were handed to the channel.
   */
  sendFile(file: Blob | ArrayBuffer | ArrayBufferView): Observable<number> {
    return of(file).pipe(chunk(), sendTo(this.peer));
  }
}
