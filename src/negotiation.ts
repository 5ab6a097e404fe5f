/**
 * Perfect negotiation over one RTCPeerConnection: local offers on
 * `negotiationneeded`, remote descriptions and candidates applied in arrival
 * order, offer collisions settled by politeness (the initiator is impolite).
 *
 * Every step runs on one promise chain, so no two signaling operations ever
 * interleave: that is what keeps glare and renegotiation free of state flags.
 */
import { PeerError, toPeerError } from "./errors.js";
import type { Logger } from "./logger.js";
import { candidateSignal, descriptionSignal } from "./signal-format.js";
import type { SignalData } from "./types.js";

export interface NegotiationHooks {
  /** A local signal to hand to the remote peer. */
  signal(signal: SignalData): void;
  error(error: PeerError): void;
  /** Called after each completed offer/answer exchange (media uses it to spot removed tracks). */
  settled(): void;
  log: Logger;
}

/** Remote candidates held while no remote description is set; more than this is refused. */
export const MAX_PENDING_CANDIDATES = 256;

/**
 * Runs perfect negotiation for `pc`. The polite side rolls back its own offer on
 * collision; the impolite side ignores the remote one.
 *
 * @example
 * ```ts
 * const negotiation = new Negotiation(pc, { polite: true }, hooks);
 * negotiation.applyDescription({ type: "offer", sdp }); // answers through hooks.signal
 * ```
 */
export class Negotiation {
  #chain: Promise<void> = Promise.resolve();
  #pendingCandidates: RTCIceCandidateInit[] = [];
  #hasRemoteDescription = false;
  #ignoringOffer = false;
  // The remote peer asked for an offer while an exchange was under way.
  #offerRequested = false;
  #closed = false;

  readonly #pc: RTCPeerConnection;
  readonly #role: { polite: boolean };
  readonly #hooks: NegotiationHooks;

  constructor(pc: RTCPeerConnection, role: { polite: boolean }, hooks: NegotiationHooks) {
    this.#pc = pc;
    this.#role = role;
    this.#hooks = hooks;
    pc.onnegotiationneeded = () => this.#enqueue("offer", () => this.#makeOffer());
    pc.onicecandidate = (event: RTCPeerConnectionIceEvent) => {
      const candidate = event.candidate;
      if (this.#closed || !candidate || !candidate.candidate) return;
      hooks.log.debug("local candidate", candidate.candidate);
      hooks.signal(candidateSignal(candidate));
    };
  }

  /** Applies a remote offer, answer, pranswer or rollback; answers offers. */
  applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    return this.#enqueue("remote description", () => this.#onRemoteDescription(description));
  }

  /** Adds a remote ICE candidate, holding it until a remote description is set. */
  addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    return this.#enqueue("remote candidate", () => this.#onRemoteCandidate(candidate));
  }

  /**
   * Makes an offer because the remote peer asked to renegotiate: now if the connection is
   * stable, else once the exchange under way settles. A request is never dropped: a
   * simple-peer answerer sends one and then waits for an offer, whatever our state was.
   */
  offer(): Promise<void> {
    return this.#enqueue("offer", async () => {
      if (this.#pc.signalingState === "stable") await this.#makeOffer();
      else this.#offerRequested = true;
    });
  }

  /**
   * Adds a transceiver the remote peer asked for (simple-peer's answerer does, for a track
   * it added that no offer has an m-line for yet); `negotiationneeded` then makes the offer.
   */
  addTransceiver(kind: "audio" | "video", init: RTCRtpTransceiverInit): Promise<void> {
    return this.#enqueue("transceiver request", async () => {
      this.#pc.addTransceiver(kind, init);
    });
  }

  /** Starts an ICE restart: a new offer with fresh credentials. */
  restartIce(): Promise<void> {
    return this.#enqueue("ICE restart", async () => {
      if (typeof this.#pc.restartIce === "function") this.#pc.restartIce();
      else await this.#makeOffer({ iceRestart: true });
    });
  }

  /** Stops all further work and detaches the connection's negotiation callbacks. */
  close(): void {
    this.#closed = true;
    this.#pendingCandidates = [];
    this.#pc.onnegotiationneeded = null;
    this.#pc.onicecandidate = null;
  }

  #enqueue(what: string, step: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#closed) return;
      try {
        await step();
      } catch (cause) {
        if (!this.#closed) this.#hooks.error(toPeerError("ERR_NEGOTIATION", `${what} failed`, cause));
      }
    };
    const next = this.#chain.then(run);
    this.#chain = next;
    return next;
  }

  async #makeOffer(options?: RTCOfferOptions): Promise<void> {
    // Not stable: an exchange is under way; negotiationneeded fires again once it settles.
    if (this.#pc.signalingState !== "stable") return;
    const offer = await this.#pc.createOffer(options);
    if (this.#closed || this.#pc.signalingState !== "stable") return;
    await this.#pc.setLocalDescription(offer);
    // Send the offer created here, never a re-read of localDescription (stale after a rollback).
    if (this.#closed || (this.#pc.signalingState as RTCSignalingState) !== "have-local-offer") return;
    this.#hooks.log.debug("local offer");
    this.#hooks.signal(descriptionSignal(offer));
  }

  async #onRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const pc = this.#pc;
    const hooks = this.#hooks;
    const collision = description.type === "offer" && pc.signalingState !== "stable";
    this.#ignoringOffer = collision && !this.#role.polite;
    if (this.#ignoringOffer) {
      hooks.log.info("offer collision: impolite side keeps its own offer");
      return;
    }
    if (collision) {
      hooks.log.info("offer collision: polite side rolls back");
      await pc.setLocalDescription({ type: "rollback" });
    }
    if (description.type === "answer" && pc.signalingState !== "have-local-offer") {
      throw new PeerError("ERR_NEGOTIATION", `unexpected answer in signaling state "${pc.signalingState}": no offer of ours is pending`);
    }
    await pc.setRemoteDescription(description);
    this.#hasRemoteDescription = true;
    hooks.log.debug("remote", description.type, "applied");
    await this.#flushCandidates();
    if (description.type === "offer") {
      const answer = await pc.createAnswer();
      if (this.#closed) return;
      await pc.setLocalDescription(answer);
      if (this.#closed) return;
      hooks.signal(descriptionSignal(answer));
    }
    if (this.#closed || pc.signalingState !== "stable") return;
    hooks.settled();
    if (this.#offerRequested) {
      this.#offerRequested = false;
      await this.#makeOffer();
    }
  }

  async #onRemoteCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.#hasRemoteDescription) {
      if (this.#pendingCandidates.length >= MAX_PENDING_CANDIDATES) {
        throw new PeerError("ERR_SIGNAL_INVALID", `more than ${MAX_PENDING_CANDIDATES} candidates arrived before any description; dropped`);
      }
      this.#hooks.log.debug("remote candidate held until a remote description is set");
      this.#pendingCandidates.push(candidate);
      return;
    }
    await this.#addIceCandidate(candidate);
  }

  async #flushCandidates(): Promise<void> {
    const held = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of held) await this.#addIceCandidate(candidate);
  }

  async #addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await this.#pc.addIceCandidate(candidate);
    } catch (cause) {
      // Candidates of an offer we chose to ignore are expected to fail.
      if (this.#ignoringOffer) return;
      throw toPeerError("ERR_NEGOTIATION", "remote candidate refused", cause);
    }
  }
}
