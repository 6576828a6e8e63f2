/**
 * Characters that have no place in a name or an address and can disguise what a text says where it
 * is shown (an e-mail, a label, an admin screen): C0 and C1 controls (line breaks, tabs, escape),
 * line and paragraph separators, and the invisible bidirectional formatting characters (the Arabic
 * letter mark, LRM/RLM, embeddings, overrides and isolates) that make text read in another order
 * than it is written. Zero-width joiners stay: scripts and emoji need them.
 *
 * Written with `\u` escapes and without the `u` flag, so an OpenAPI pattern made of it reads the
 * same in every JSON Schema validator.
 */
const UNSAFE = '\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069';

/** Text without any unsafe character (see above). */
export const SAFE_TEXT = new RegExp(`^[^${UNSAFE}]*$`);

const UNSAFE_CHARACTERS = new RegExp(`[${UNSAFE}]+`, 'g');

/**
 * Text people typed, made fit to show in a message: unsafe characters (kept from before they were
 * refused at input) become spaces, runs of white space one space, and the text is cut to at most
 * `max` characters (code points), the cut shown by an ellipsis.
 */
export function boundedText(value: string, max: number): string {
  const clean = value.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  const characters = Array.from(clean);
  if (characters.length <= max) return clean;
  return `${characters
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
