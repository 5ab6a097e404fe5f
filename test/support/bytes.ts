// Byte helpers for the operator specs, the same on Node and in Chromium:
// deterministic fill (no multi-MiB random generation in property tests), comparison, SHA-256.

/** Fills `bytes` with a xorshift32 sequence from `seed`: cheap, deterministic, not constant. */
export function fillPattern<T extends Uint8Array>(bytes: T, seed: number): T {
  let x = seed | 0 || 0x9e3779b9;
  const words = bytes.byteLength >>> 2;
  const aligned = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, words) : undefined;
  for (let i = 0; i < words; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    if (aligned) aligned[i] = x >>> 0;
    else for (let k = 0; k < 4; k++) bytes[i * 4 + k] = (x >>> (k * 8)) & 0xff;
  }
  for (let i = words * 4; i < bytes.byteLength; i++) bytes[i] = (x >>> ((i % 4) * 8)) & 0xff;
  return bytes;
}

/** A fresh array of `size` pattern bytes. */
export function patternBytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  return fillPattern(new Uint8Array(size), seed);
}

/** Byte-for-byte equality, fast enough for several MiB (chai's deep equal is not). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The bytes of any binary value as a Uint8Array view (no copy). */
export function bytesOf(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(value);
}

/** SHA-256 of bytes or text (as UTF-8), hex; `crypto.subtle` exists on Node 20 and in Chromium. */
export async function sha256(value: string | ArrayBuffer | ArrayBufferView): Promise<string> {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : bytesOf(value);
  // Hashed in place: a copy of 64 MiB costs more than the hash on these machines.
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a string becomes after a UTF-8 round trip: each lone surrogate turns into U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** A seeded Fisher-Yates shuffle (a copy), so fast-check can reproduce a failing order from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  let x = seed | 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
