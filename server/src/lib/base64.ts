/**
 * Base64 in request bodies (`image_base64` and its kin): decoded and checked in one pass of
 * Node's native decoder, as a 5 MB upload's text is scanned on the event loop, where every pass
 * is time taken from the image pipeline. A regular expression over the same text costs 6-10 ms.
 */

/**
 * The bytes of standard base64 text: letters, digits, `+` and `/`, then at most two `=` at the
 * end. Null for anything else (other characters, whitespace, `-`/`_`, padding in the middle,
 * a lone digit after the last whole group, empty text).
 *
 * Node's decoder does not refuse: it skips a character that is not a base64 digit and stops at
 * an `=` before the end. Either way such a character adds none of the 6 bits a digit adds, so the
 * bytes come out shorter than the digits promise; that shortfall is the check. Refused first are
 * what Node would read as digits: characters past ASCII (it reads a UTF-16 unit by its low byte,
 * `Ł`, U+0141, as `A`) and base64url's `-` and `_`.
 */
export function decodeBase64(data: string): Buffer | null {
  const digits = digitCount(data);
  // One digit past the last group of four is 6 bits, not a byte: nobody's encoder writes it.
  if (digits === 0 || digits % 4 === 1) return null;
  if (Buffer.byteLength(data, 'utf8') !== data.length) return null;
  // Node also reads base64url's digits; here they are wrong characters.
  if (data.includes('-') || data.includes('_')) return null;
  const bytes = Buffer.from(data, 'base64');
  return bytes.length === decodedLength(digits) ? bytes : null;
}

/** Bytes standard base64 text of this length decodes to, were it valid: for size caps before decoding. */
export function base64DecodedLength(data: string): number {
  return decodedLength(digitCount(data));
}

/** Characters before the padding (at most two `=` at the end). */
function digitCount(data: string): number {
  return data.length - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
}

/** Bytes that `digits` base64 digits decode to. */
function decodedLength(digits: number): number {
  return Math.floor((digits * 3) / 4);
}
