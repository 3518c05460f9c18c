/**
 * The rule for free text people type and others read (comments, token names) and for identifiers (usernames,
 * email addresses): no characters that hide or disguise what is shown.
 * - C0 controls other than tab and newline (NUL, backspace, escape, a lone CR …), DEL and the C1 controls;
 * - the bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which can make text read
 *   differently from what it is (U+202E turns `txt.exe` into `exe.txt`);
 * - unpaired UTF-16 surrogates, which cannot be encoded as UTF-8.
 * Zero-width joiners stay: emoji sequences and several scripts need them.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_ONE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LONE_SURROGATE_ONE = new RegExp(LONE_SURROGATE.source);

/** Whether the text holds a character the rule above forbids (a CR counts; so does an unpaired surrogate). */
export function containsUnsafeText(text: string): boolean {
  return UNSAFE_ONE.test(text) || LONE_SURROGATE_ONE.test(text);
}

/**
 * The text without the forbidden characters: line breaks become `\n` (CRLF and lone CR, as browsers send
 * textareas), unpaired surrogates become U+FFFD, and every other forbidden character is removed.
 */
export function stripUnsafeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(LONE_SURROGATE, '\uFFFD').replace(UNSAFE, '');
}
