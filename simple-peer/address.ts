/**
 * The connection's selected candidate pair, read from `getStats()`: where
 * simple-peer's `localAddress`, `remotePort`, ... and `address()` come from.
 */

/** One end of the selected pair, as simple-peer names it. */
export interface Endpoint {
  address: string;
  port: number;
  family: "IPv4" | "IPv6";
}

type Stats = Record<string, unknown>;

/**
 * The local and remote ends of the selected candidate pair; undefined while none is selected.
 *
 * @example
 * ```ts
 * const ends = selectedEndpoints(await pc.getStats());
 * ends?.remote?.address; // "192.0.2.7"
 * ```
 */
export function selectedEndpoints(report: RTCStatsReport): { local: Endpoint | undefined; remote: Endpoint | undefined } | undefined {
  const all: Stats[] = [];
  report.forEach((stats: Stats) => all.push(stats));
  const byId = (id: unknown): Stats | undefined => all.find((stats) => stats.id === id);
  // The standard's pointer first; older runtimes only flag the pair itself.
  const transport = all.find((stats) => stats.type === "transport" && stats.selectedCandidatePairId);
  const pair = transport
    ? byId(transport.selectedCandidatePairId)
    : all.find((stats) => stats.type === "candidate-pair" && (stats.selected === true || (stats.nominated === true && stats.state === "succeeded")));
  if (!pair) return undefined;
  return { local: endpoint(byId(pair.localCandidateId)), remote: endpoint(byId(pair.remoteCandidateId)) };
}

function endpoint(candidate: Stats | undefined): Endpoint | undefined {
  const address = candidate?.address ?? candidate?.ip;
  if (typeof address !== "string") return undefined;
  return { address, port: Number(candidate?.port), family: address.includes(":") ? "IPv6" : "IPv4" };
}
