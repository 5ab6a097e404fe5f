/**
 * Perfect negotiation over one RTCPeerConnection: local offers on
 * `negotiationneeded`, remote descriptions and candidates applied in arrival
 * order, offer collisions settled by politeness (the initiator is impolite).
 *
 * An answerer offers only once it knows its remote peer runs perfect negotiation
 * ({@link Negotiation.allowOffers}). Until then, and for good facing a simple-peer,
 * it speaks simple-peer's answerer protocol: it never offers, it asks with
 * `renegotiate` and `transceiverRequest` signals. simple-peer has no glare handling.
 *
 * Every step runs on one promise chain, so no two signaling operations ever
 * interleave: that is what keeps glare and renegotiation free of state flags.
 */
import { PeerError, toPeerError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addRequestedTransceiver, askForOffer } from "./offer-requests.js";
import { normaliseCandidate, supported } from "./runtime-quirks.js";
import { candidateSignal, descriptionSignal, type DescriptionSignal, type ParsedSignal } from "./signal-format.js";
import type { ResolvedOptions } from "./options.js";
import type { SignalData } from "./types.js";

/** The options negotiation reads: simple-peer's names and meanings. */
export type NegotiationOptions = Pick<ResolvedOptions, "trickle" | "iceCompleteTimeout" | "sdpTransform" | "offerOptions" | "answerOptions">;

export interface NegotiationHooks {
  /** A local signal to hand to the remote peer. */
  signal(signal: SignalData): void;
  error(error: PeerError): void;
  /** Called after each completed offer/answer exchange (media uses it to spot removed tracks). */
  settled(): void;
  /**
   * A remote description was applied: an answer once set, an offer once our answer to it
   * is set and before that answer is signalled (so a channel made here is in place before
   * the remote peer can connect, and the answer sent can say so).
   */
  described(signal: DescriptionSignal): void;
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
 * const negotiation = new Negotiation(pc, true, hooks); // polite
 * negotiation.apply({ kind: "description", description: { type: "offer", sdp } }); // answers through hooks.signal
 * ```
 */
export class Negotiation {
  #chain: Promise<void> = Promise.resolve();
  readonly #pendingCandidates: RTCIceCandidateInit[] = [];
  #hasRemoteDescription = false;
  #ignoringOffer = false;
  // An offer of ours is set and not yet answered or rolled back: the signaling state as our own
  // steps left it (the chain runs one at a time), so it need not be read (a blocking call into
  // @roamhq/wrtc's signaling thread, slow while gathering runs).
  #offerPending = false;
  // The remote peer asked for an offer while an exchange was under way.
  #offerWanted = false;
  // The initiator offers; an answerer once its remote peer is known to run perfect negotiation.
  #mayOffer: boolean;
  #closed = false;
  // Local candidates held back until the answer is applied and a remote candidate is in (see #makeOffer, #releaseLocal); undefined: none held.
  #heldLocal: SignalData[] | undefined;
  // Ends a wait for ICE gathering (trickle off).
  #stopWaiting: (() => void) | undefined;

  readonly #pc: RTCPeerConnection;
  // The polite side rolls back its own offer on collision.
  readonly #polite: boolean;
  readonly #hooks: NegotiationHooks;
  readonly #options: NegotiationOptions;

  constructor(pc: RTCPeerConnection, polite: boolean, hooks: NegotiationHooks, options: NegotiationOptions) {
    this.#pc = pc;
    this.#polite = polite;
    this.#mayOffer = !polite;
    this.#hooks = hooks;
    this.#options = options;
    pc.onnegotiationneeded = () => this.#enqueue("offer", () => this.#onNegotiationNeeded());
    pc.onicecandidate = (event: RTCPeerConnectionIceEvent) => {
      const candidate = event.candidate;
      if (!candidate) this.#stopWaiting?.();
      if (this.#closed || !options.trickle || !candidate?.candidate) return;
      hooks.log.debug("local candidate", candidate.candidate);
      // The lazy read of localDescription happens only for an index-less candidate (node-datachannel's).
      const signal = candidateSignal(normaliseCandidate(candidate, () => pc.localDescription?.sdp));
      if (this.#heldLocal) this.#heldLocal.push(signal);
      else hooks.signal(signal);
    };
  }

  /**
   * The initiator's first offer, made at once rather than at `negotiationneeded` (a task
   * later: about a millisecond of connect on @roamhq/wrtc), or the offer the implementation
   * already made by itself when the channel was created (node-datachannel negotiates on its
   * own and never fires the event). The `negotiationneeded` that follows finds an offer
   * under way and does nothing.
   */
  offer(): void {
    const from = this.#pc.signalingState;
    void this.#enqueue("offer", () => this.#makeOffer(from));
  }

  /**
   * Applies a remote signal, after every earlier one:
   * - a description (offer, answer, pranswer or rollback); offers are answered;
   * - a candidate, held until a remote description is set;
   * - a transceiver request (simple-peer's answerer sends one for a track it added that no
   *   offer has an m-line for yet): `negotiationneeded` then makes the offer;
   * - a request to renegotiate: an offer now if the connection is stable, else once the
   *   exchange under way settles. Never dropped: a simple-peer answerer sends one and then
   *   waits for an offer, whatever our state was.
   */
  apply(signal: ParsedSignal): Promise<void> {
    // Only @rtco/peer and rxpeer send the Artico format, and both run perfect negotiation.
    if (signal.artico) this.allowOffers();
    return this.#enqueue(`remote ${signal.kind}`, async () => {
      if (signal.kind === "description") await this.#onRemoteDescription(signal);
      else if (signal.kind === "candidate") await this.#onRemoteCandidate(signal.candidate);
      else if (signal.kind === "end-of-candidates" && this.#hasRemoteDescription) this.#releaseLocal();
      else if (signal.kind === "transceiver") addRequestedTransceiver(this.#pc, signal.mediaKind, signal.init);
      // An answerer that does not offer ignores a request to, as simple-peer's does.
      else if (signal.kind === "renegotiate" && this.#mayOffer) {
        if (this.#pc.signalingState === "stable") await this.#makeOffer();
        else this.#offerWanted = true;
      }
      // An end of candidates is optional, and not understood by every runtime: nothing to apply.
    });
  }

  /** The remote peer runs perfect negotiation (it is an rxpeer or an @rtco/peer): from now on, offer when negotiation is needed. */
  allowOffers(): void {
    this.#mayOffer = true;
  }

  /** Starts an ICE restart: `negotiationneeded` then makes an offer with fresh credentials. */
  restartIce(): Promise<void> {
    return this.#enqueue("ICE restart", async () => supported("ICE restarts", () => this.#pc.restartIce()));
  }

  /** Stops all further work and detaches the connection's negotiation callbacks. */
  close(): void {
    this.#closed = true;
    this.#stopWaiting?.();
    this.#pc.onnegotiationneeded = this.#pc.onicecandidate = null;
  }

  // The held candidates go out once the answer is applied and the remote's first candidate is
  // in (see #makeOffer), so our connectivity checks leave before the remote's: libjuice answers
  // a check that comes first with one of its own 50 ms later, and libdatachannel drops the
  // remote's first DTLS flight that arrives before its ICE is up (the remote, as answerer, is
  // the DTLS client), which costs the 1 s DTLS retransmission (docs/runtimes.md).
  #releaseLocal(): void {
    for (const held of this.#heldLocal?.splice(0) ?? []) this.#hooks.signal(held);
    this.#heldLocal = undefined;
  }

  #enqueue(what: string, step: () => Promise<void>): Promise<void> {
    return (this.#chain = this.#chain.then(async () => {
      if (this.#closed) return;
      try {
        await step();
      } catch (cause) {
        if (!this.#closed) this.#hooks.error(toPeerError("ERR_NEGOTIATION", `${what} failed`, cause));
      }
    }));
  }

  async #onNegotiationNeeded(): Promise<void> {
    if (this.#mayOffer) await this.#makeOffer();
    // Before the first offer, or mid-exchange, nothing: negotiationneeded fires again once
    // stable if negotiation is still needed then (simple-peer drops such a first request too).
    else if (this.#hasRemoteDescription && this.#pc.signalingState === "stable") askForOffer(this.#pc, this.#hooks, true);
  }

  // `from` is "have-local-offer" only for an offer the implementation already set by itself.
  async #makeOffer(from: RTCSignalingState = "stable"): Promise<void> {
    // Not stable: an exchange is under way; negotiationneeded fires again once it settles.
    if (this.#offerPending || this.#pc.signalingState !== from) return;
    const offer = await this.#pc.createOffer(this.#options.offerOptions);
    if (this.#closed || this.#pc.signalingState !== from) return;
    // An implementation that sets its own offer (libdatachannel) answers a remote's ICE checks
    // before it has the answer, so the pair may be up the moment the answer goes in, and its
    // DTLS handshake then checks the remote's certificate before the answer's fingerprint is
    // stored: "certificate verify failed", and the connection closes (docs/runtimes.md).
    // Holding our candidates until the answer is applied keeps the remote from reaching us first.
    if (from === "have-local-offer") this.#heldLocal ??= [];
    const applied = await this.#setLocal(offer);
    // From stable, an offer set leaves have-local-offer (nothing else runs on the chain). An
    // offer the implementation made by itself (its candidates held, so far) is read again:
    // node-datachannel's state is then not always have-local-offer, and that offer must not be sent.
    if (this.#closed || (this.#heldLocal && this.#pc.signalingState !== from)) return;
    this.#offerPending = true;
    this.#hooks.log.debug("local offer");
    this.#hooks.signal(descriptionSignal(applied));
  }

  // Applies a local description after sdpTransform; returns what to send: the description
  // created here, never a re-read of localDescription (stale after a rollback), except
  // without trickle, where localDescription after gathering carries the candidates (and
  // nothing else runs on the chain meanwhile).
  async #setLocal(created: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> {
    const description = { type: created.type, sdp: this.#options.sdpTransform(created.sdp ?? "") };
    await this.#pc.setLocalDescription(description);
    if (this.#options.trickle) return description;
    await this.#iceGathered();
    return this.#pc.localDescription ?? description;
  }

  // Resolves once ICE gathering completes (the null candidate), after iceCompleteTimeout
  // (simple-peer sends anyway), or on close.
  async #iceGathered(): Promise<void> {
    if (this.#pc.iceGatheringState === "complete") return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.#options.iceCompleteTimeout);
      // Called again once the wait is over (a later gathering's end, close), it does nothing.
      this.#stopWaiting = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #onRemoteDescription(signal: DescriptionSignal): Promise<void> {
    const { description } = signal;
    const pc = this.#pc;
    const hooks = this.#hooks;
    const collision = description.type === "offer" && pc.signalingState !== "stable";
    this.#ignoringOffer = collision && !this.#polite;
    if (this.#ignoringOffer) {
      hooks.log.info("offer collision: impolite side keeps its offer");
      return;
    }
    if (collision) {
      hooks.log.info("offer collision: polite side rolls back");
      await pc.setLocalDescription({ type: "rollback" });
      this.#offerPending = false;
    }
    if (description.type === "answer" && !this.#offerPending) {
      throw new PeerError("ERR_NEGOTIATION", `an answer in signaling state "${pc.signalingState}": no offer of ours is pending`);
    }
    await pc.setRemoteDescription(description);
    // Applied: an answer ends our offer and a pranswer leaves it pending (a call that fails
    // changes neither the state nor this, so a stray description cannot stall our next offer).
    this.#offerPending = description.type === "pranswer";
    this.#hasRemoteDescription = true;
    hooks.log.debug("remote", description.type, "applied");
    // Before the held candidates go in: nothing can connect yet.
    if (description.type !== "offer") hooks.described(signal);
    // An answer that carries its candidates (no trickle) lets our checks start now.
    if (/^a=candidate/m.test(description.sdp ?? "")) this.#releaseLocal();
    await this.#flushCandidates();
    if (description.type === "offer") {
      const answer = await pc.createAnswer(this.#options.answerOptions);
      if (this.#closed) return;
      const applied = await this.#setLocal(answer);
      if (this.#closed) return;
      hooks.described(signal);
      hooks.signal(descriptionSignal(applied));
    }
    // Stable now, but after a pranswer: an answer set, ours to an offer, or a rollback.
    if (this.#closed || this.#offerPending) return;
    hooks.settled();
    if (!this.#mayOffer) {
      // As simple-peer's answerer after each answer: ask for what the offer lacked.
      askForOffer(this.#pc, this.#hooks, false);
    } else if (this.#offerWanted) {
      this.#offerWanted = false;
      await this.#makeOffer();
    }
  }

  async #onRemoteCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.#hasRemoteDescription) {
      if (this.#pendingCandidates.length >= MAX_PENDING_CANDIDATES) {
        throw new PeerError("ERR_SIGNAL_INVALID", `more than ${MAX_PENDING_CANDIDATES} candidates arrived before any description; dropped`);
      }
      this.#hooks.log.debug("remote candidate held");
      this.#pendingCandidates.push(candidate);
      return;
    }
    await this.#addIceCandidate(candidate);
  }

  async #flushCandidates(): Promise<void> {
    for (const candidate of this.#pendingCandidates.splice(0)) await this.#addIceCandidate(candidate);
  }

  async #addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      const added = this.#pc.addIceCandidate(candidate);
      // Our checks to the remote are on their way (the call hands the candidate over as it returns).
      this.#releaseLocal();
      await added;
    } catch (cause) {
      // Candidates of an offer we chose to ignore are expected to fail.
      if (this.#ignoringOffer) return;
      throw toPeerError("ERR_NEGOTIATION", "remote candidate refused", cause);
    }
  }
}
