/**
 * The matching rules of the contract's search (§5.2), independent of any engine: how text becomes
 * terms, how a query becomes words, and when a word matches a term. An engine adapter maps these
 * onto its own features; the rules themselves live here so every adapter applies the same ones.
 */

/** A query word of this many letters or more also matches with one typo. */
export const TYPO_MIN_LETTERS = 5;

/** Letters that Unicode decomposition does not split into a base letter and a mark. */
const FOLDED: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th' };
const FOLDED_PATTERN = new RegExp(`[${Object.keys(FOLDED).join('')}]`, 'g');

/** Lower case, accents and other marks removed: "Crème Brûlée" → "creme brulee". */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(FOLDED_PATTERN, (letter) => FOLDED[letter] ?? letter);
}

/**
 * Words as written, with their inner hyphens, underscores and apostrophes ("t-shirt", "women's",
 * "MUG_01"): a run of letters and digits, possibly joined to further runs by one connector each.
 */
const WORD = /[\p{L}\p{N}]+(?:['’_-][\p{L}\p{N}]+)*/gu;
const CONNECTOR = /['’_-]/;

/**
 * The terms a text is indexed under: every word, and for a joined word ("t-shirt") its parts and
 * the parts run together ("t", "shirt", "tshirt"), so both "shirt" and "tshirt" find it.
 */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of foldText(text).matchAll(WORD)) {
    if (!CONNECTOR.test(word)) {
      terms.push(word);
      continue;
    }
    const parts = word.split(CONNECTOR).filter((part) => part !== '');
    terms.push(...parts, parts.join(''));
  }
  return terms;
}

/**
 * The words of a query, folded, in order, without repeats. A joined word counts as one word run
 * together ("T-Shirt" → "tshirt"): it matches the joined term of the index.
 */
export function queryWords(q: string): string[] {
  const words = [...foldText(q).matchAll(WORD)].map(([word]) => word.split(CONNECTOR).join(''));
  return [...new Set(words)];
}

/**
 * The term a sku is found by: folded and run together, as a query word is ("TSHIRT-CLASSIC-M-RED"
 * → "tshirtclassicmred"). A sku is a code, not a text: it matches whole, or as a prefix while typing
 * (the last word), never with a typo and never by a part of it.
 */
export const skuTerm = (sku: string): string => foldText(sku).replace(/[^\p{L}\p{N}]/gu, '');

/** Whether a query word finds a sku's term: the same, or its start when it is the last word. */
export const wordMatchesSku = (word: string, term: string, last: boolean): boolean =>
  term === word || (last && term.startsWith(word));

/** Whether a word is long enough to be matched with one typo. */
export const allowsTypo = (word: string): boolean => [...word].length >= TYPO_MIN_LETTERS;

/**
 * The words one swap of two neighbouring letters away ("tshrit" → "tshirt", …): with the
 * single-letter edits an engine's edit distance covers, these make up "one typo".
 */
export function transpositions(word: string): string[] {
  const letters = [...word];
  const variants = new Set<string>();
  for (let i = 0; i + 1 < letters.length; i++) {
    if (letters[i] === letters[i + 1]) continue;
    const swapped = [...letters];
    [swapped[i], swapped[i + 1]] = [letters[i + 1] as string, letters[i] as string];
    variants.add(swapped.join(''));
  }
  return [...variants];
}

/** At most one typo apart: one letter inserted, deleted, replaced, or two neighbours swapped. */
export function withinOneTypo(a: string, b: string): boolean {
  if (a === b) return true;
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > 1) return false;
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) {
    endX--;
    endY--;
  }
  const restX = endX - start;
  const restY = endY - start;
  // What differs is at most one letter on either side (an insertion, deletion or replacement)...
  if (restX <= 1 && restY <= 1) return true;
  // ...or two neighbours in swapped order.
  return restX === 2 && restY === 2 && x[start] === y[start + 1] && x[start + 1] === y[start];
}

/**
 * Whether a query word matches an indexed term: exactly; as a prefix when it is the query's last
 * word (search as you type); with one typo when it has at least {@link TYPO_MIN_LETTERS} letters.
 */
export function wordMatchesTerm(word: string, term: string, last: boolean): boolean {
  if (term === word) return true;
  if (last && term.startsWith(word)) return true;
  return allowsTypo(word) && withinOneTypo(word, term);
}
