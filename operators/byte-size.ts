/**
 * How many bytes a message takes on a data channel: binary by its length, strings in UTF-8,
 * as the channel sends them (measured without encoding the string).
 */

/** Bytes a value takes on the wire; strings count in UTF-8, as the channel sends them. */
export function byteSize(value: string | ArrayBuffer | ArrayBufferView): number {
  return typeof value === "string" ? utf8Length(value) : value.byteLength;
}

/** UTF-8 length of `text`; a lone surrogate counts as U+FFFD, as `send()` encodes it. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++; // a surrogate pair: 2 code units, 4 bytes
      bytes += 2;
    } else bytes += 2; // 3 bytes (a lone surrogate is sent as U+FFFD, also 3)
  }
  return bytes;
}
