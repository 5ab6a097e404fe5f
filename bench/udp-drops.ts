/**
 * The kernel's count of UDP datagrams dropped because a socket's receive buffer was full
 * (`RcvbufErrors`, IPv4 and IPv6 summed), read from /proc. Every peer in these benches talks
 * over loopback UDP, and each drop costs SCTP a retransmission, now and then a timeout of
 * 400 ms or more, whoever's the channel: read it before and after a series to see how much of
 * its spread is the kernel's.
 */
import { readFileSync } from "node:fs";

/**
 * The drops counted since boot.
 *
 * @example
 * ```ts
 * const before = udpDrops();
 * await transfer();
 * console.log(`${udpDropsSince(before) ?? "?"} datagrams dropped`);
 * ```
 * @return the count, or undefined where /proc does not say (not Linux)
 */
export function udpDrops(): number | undefined {
  const v6 = /^Udp6RcvbufErrors\s+(\d+)/m.exec(readOrEmpty("/proc/net/snmp6"))?.[1];
  // /proc/net/snmp: a line naming the Udp fields, then a line of their values in that order.
  const [names, values] = readOrEmpty("/proc/net/snmp").split("\n").filter((line) => line.startsWith("Udp: "));
  const v4 = values?.split(" ")[names?.split(" ").indexOf("RcvbufErrors") ?? -1];
  if (v4 === undefined && v6 === undefined) return undefined;
  return Number(v4 ?? 0) + Number(v6 ?? 0);
}

/**
 * The drops since an earlier {@link udpDrops} read.
 *
 * @example
 * ```ts
 * const before = udpDrops();
 * await transfer();
 * const dropped = udpDropsSince(before); // undefined where either read said nothing
 * ```
 * @param before what `udpDrops()` gave earlier
 * @return the difference, or undefined where either read is unknown
 */
export function udpDropsSince(before: number | undefined): number | undefined {
  const now = udpDrops();
  return before === undefined || now === undefined ? undefined : now - before;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
