/**
 * How two rxpeer peers recognise each other before any data flows: a session-level
 * attribute in the descriptions they send (`a=rxpeer:<channel>` in the creator's, where
 * `<channel>` is its pre-negotiated data channel, URI-encoded JSON; `a=rxpeer` in an
 * answer that took that channel up). It rides inside the SDP, so every signaling path
 * that carries the SDP carries it; browsers, @roamhq/wrtc and node-datachannel ignore an
 * unknown attribute, and so do simple-peer and @rtco/peer. Pure: no WebRTC here.
 */
/**
 * The data channel an rxpeer creator pre-negotiated (`negotiated: true`, with its id), as
 * its offers describe it: the answerer makes the same channel on its side.
 */
export type PreNegotiatedChannel = RTCDataChannelInit & { label: string };

/** What a remote description says of its sender: the creator's channel (an offer), `true` (an answer that took it up), or nothing. */
export type RemoteMarker = PreNegotiatedChannel | true | undefined;

/**
 * Adds the marker to an SDP as its last session-level line (just before the first media
 * section): `a=rxpeer:<channel>` for a creator's {@link PreNegotiatedChannel}, `a=rxpeer`
 * without one. The channel goes as URI-encoded JSON: plain ASCII (Firefox refuses an SDP
 * with any other character), no spaces.
 *
 * @example
 * ```ts
 * markSdp(offer.sdp, { label: "chat", id: 0 }); // "v=0\r\n...a=rxpeer:%7B%22label%22...\r\nm=application ..."
 * markSdp(answer.sdp, true); // "v=0\r\n...a=rxpeer\r\nm=application ..."
 * ```
 */
export function markSdp(sdp: string, channel: PreNegotiatedChannel | true): string {
  return sdp.replace(/^m=/m, `a=rxpeer${channel === true ? "" : `:${encodeURIComponent(JSON.stringify(channel))}`}\r\nm=`);
}

/**
 * Reads the marker of a remote SDP: `null` for one that is not a channel with a label
 * (only a broken or hostile sender writes one). The rest of the channel is checked by
 * `createDataChannel` itself when the answerer makes it.
 *
 * @example
 * ```ts
 * readMarker(markSdp(sdp, { label: "chat", id: 0 })); // { label: "chat", id: 0, negotiated: true }
 * readMarker(sdpOfSimplePeer); // undefined
 * ```
 */
export function readMarker(sdp: string): RemoteMarker | null {
  const match = /^a=rxpeer(:.*)?\r?$/m.exec(sdp);
  const value = match?.[1];
  if (!value) return !!match || undefined;
  try {
    const channel = JSON.parse(decodeURIComponent(value.slice(1))) as PreNegotiatedChannel;
    // negotiated comes last: whatever the remote wrote, this channel is made on both sides.
    if (typeof channel.label === "string") return { ...channel, negotiated: true };
  } catch {
    // Unreadable: null below.
  }
  return null;
}
