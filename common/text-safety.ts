/**
 * Which characters user text (task titles and notes, account names) may
 * contain. Shared by the task API's contract, the app's form schemas and the
 * browser (conform), so all three refuse the same input with the same words.
 *
 * Refused, not stripped: what is stored is exactly what was typed, and the
 * person who typed an invisible character is told so instead of finding
 * their text silently changed.
 *
 * Refused everywhere:
 * - control characters (Cc: C0, DEL, C1, NUL included: Postgres text cannot
 *   hold it), except tab, line feed and carriage return in multi-line text
 *   (notes; browsers send a textarea's line breaks as CR LF);
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 *   U+2066–U+2069): they make text display in another order than it is
 *   stored ("gpj.exe" shown as "exe.jpg"), and leak into what follows;
 * - every other format character (Cf: U+FEFF, U+2060, interlinear
 *   annotations, deprecated shaping controls, …), line and paragraph
 *   separators (U+2028, U+2029) and lone surrogates;
 * except the format characters that real writing needs and that cannot
 * reorder text outside their own run: zero-width space (word breaks in Thai,
 * Khmer, …), zero-width non-joiner and joiner (Persian, Indic scripts, emoji
 * sequences), left-to-right, right-to-left and Arabic letter marks (U+200E,
 * U+200F, U+061C: punctuation in right-to-left text), the soft hyphen, the
 * Arabic and Syriac number signs, and the tag characters of a flag emoji
 * (🏴 + tags + cancel tag, e.g. the flag of Scotland).
 *
 * The rendering side isolates user text too (<bdi>, dir="auto"), for text
 * stored before these rules existed.
 */

/** Candidates; ALLOWED_FORMAT picks the acceptable ones back out. */
const SUSPECT = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u
const SUSPECT_ALL = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu
const ALLOWED_FORMAT = /^[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890\u0891\u08E2\u200B-\u200F\u{110BD}\u{110CD}]$/u
const MULTILINE_WHITESPACE = /^[\t\n\r]$/
/** A subdivision flag: black flag, tag letters or digits, cancel tag. */
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu

export const CONTROL_CHARACTERS_MESSAGE = "can't contain control characters"

/**
 * True when `value` has a character user text may not contain (see above).
 * `multiline` allows tab, LF and CR (notes).
 */
export function hasControlCharacters(value: string, { multiline = false } = {}): boolean {
	if (!SUSPECT.test(value)) return false
	const rest = value.replace(EMOJI_TAG_SEQUENCE, '')
	for (const [character] of rest.matchAll(SUSPECT_ALL)) {
		if (ALLOWED_FORMAT.test(character)) continue
		if (multiline && MULTILINE_WHITESPACE.test(character)) continue
		return true
	}
	return false
}
