/**
 * What `sendTo` (and the operators built on it) need of a peer and of its data channel:
 * `Peer` and `RTCDataChannel` have it; tests and the transfer operators pass their own.
 */
import type { Observable } from "rxjs";

/** The part of a data channel `sendTo` reads; an `RTCDataChannel` has it. */
export interface SendChannel {
  readonly bufferedAmount: number;
  /** Read only when a send fails, to tell a channel the remote closed from a real error. */
  readonly readyState?: string;
  bufferedAmountLowThreshold?: number;
  addEventListener(type: "bufferedamountlow", listener: () => void): void;
  removeEventListener(type: "bufferedamountlow", listener: () => void): void;
}

/** The members of a {@link SendTarget} that must be there (the others may be undefined), checked when an operator is called. */
export const SEND_TARGET_MEMBERS = ["connected$", "close$", "send"] as const;

/** What `sendTo` needs of a peer; `Peer` has it. */
export interface SendTarget {
  readonly connected$: Observable<boolean>;
  readonly close$: Observable<void>;
  readonly destroyed: boolean;
  readonly channel?: SendChannel | undefined;
  readonly connection?: { readonly sctp: { readonly maxMessageSize: number } | null } | undefined;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
}
