/**
 * Stage 2 of the tokenizer: split (normalized) text into words, numbers, punctuation, emoji and CJK characters,
 * following the Penn Treebank conventions that SST-2 uses, but for every script.
 *
 * Rules (whitespace separates tokens and is dropped); where two could match, the first listed wins:
 * 1. Emoji: a whole emoji sequence — flag pairs, keycaps (`1️⃣`), a pictograph with its variation selector, skin-tone
 *    modifier or tag characters, and ZWJ sequences of those (`👩🏽‍💻`).
 * 2. CJK: each Han ideograph or Japanese kana (with its combining marks) is one token — there is no dictionary
 *    segmentation, so `日本語` → `日`, `本`, `語`. Hangul, Thai and other scripts are split like words (runs of letters).
 * 3. Apostrophe-initial clitics standing alone: `'s` `'re` `'ve` `'ll` `'d` `'m` `'em` `'n` `'n'` `'til`, decades
 *    `'70s`, and the `'t` of `'tis`/`'twas`.
 * 4. Words: letters, digits and marks of any script (`\p{L}\p{N}\p{M}`, plus ZWJ/ZWNJ), joined by a single inner
 *    `-` `/` `.` `'` `’` `&` (`heavy-handed`, `writer/director`, `u.s`, `o'fallon`, `at&t`) or, between digits, `,` `:`
 *    (`1,000`, `10:30`). Then:
 *    - a following period is attached for abbreviations: dotted acronyms (`u.s.`) and single letters (`j.`) always,
 *      a short list (`mr.`, `etc.`, `vs.`, `al.`…) when more text follows or when the period is doubled (`etc..` →
 *      `etc.` `.`, the PTB form of an abbreviation that ends a sentence); a following apostrophe is attached to `ol`;
 *    - clitics are split off PTB-style: `doesn't` → `does` `n't`, `can't` → `ca` `n't`, `it's` → `it` `'s`
 *      (also `'re 've 'll 'd 'm`, with `'` or `’`), and `cannot` → `can` `not`, `gonna` → `gon` `na` (also `gotta`,
 *      `wanna`, `gimme`, `lemme`, `d'ye`, `more'n`, `whaddya`, `whatcha`).
 * 5. Anything else (punctuation, symbols, controls, lone surrogates): a run of the same character is one token
 *    (`...`, `--`, `''`), and so is a run of `?` and `!` (`?!?`), together with any combining marks that follow.
 *
 * Tokens are contiguous substrings of the input; concatenated they give the input without its whitespace.
 * @module
 */

/** A token as a span `[start, end)` of the string it was cut from. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC`;
/** A word character: letter, digit or mark of any script except CJK, or a zero-width (non-)joiner (v-flag set syntax). */
const WC = String.raw`[[\p{L}\p{N}\p{M}\u200C\u200D]--[${CJK}]]`;
const WORD = String.raw`${WC}+(?:(?:[\-\/.'’&]|(?<=\p{N})[,:](?=\p{N}))${WC}+)*`;
const APOS = String.raw`['’](?:(?:s|re|ve|ll|d|m|em|n['’]?|til|\p{N}+s?)(?!${WC})|t(?=(?:is|was)(?!${WC})))`;
const EMOJI_ELEMENT = String.raw`(?:[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}[\p{M}\p{Emoji_Modifier}\u{E0020}-\u{E007F}]*)`;
const EMOJI = String.raw`\p{Regional_Indicator}{2}|${EMOJI_ELEMENT}(?:\u200D${EMOJI_ELEMENT})*`;

/**
 * The scanner: optional whitespace, then exactly one token (a whole run for CJK); the group that is set says which
 * rule matched. Every non-space character is matched by some rule (the last takes any), so `exec` never skips text.
 * CJK runs are matched whole and cut per character in a loop, ~4× faster than one `exec` per character. The `v` flag
 * gives set subtraction for the word class; a lookahead instead costs 7× the time on long input.
 */
const SCANNER = new RegExp(
  String.raw`\s*(?:((?:[${CJK}]\p{M}*)+)|(${EMOJI})|(${APOS})|(${WORD})|((?:[?!]+|([^\s])\6*)\p{M}*))`,
  'gvi',
);
const CJK_GROUP = 1;
const WORD_GROUP = 4;
const CJK_CHAR = new RegExp(String.raw`[${CJK}]\p{M}*`, 'vy');
const MARK = /\p{M}/u;

/** Abbreviations that keep their period (besides dotted acronyms and single letters), lowercase. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'jr', 'sr', 'vs', 'etc', 'inc', 'ltd', 'co', 'corp', 'bros', 'mt', 'gen',
  'gov', 'sen', 'rep', 'rev', 'capt', 'col', 'lt', 'sgt', 'no', 'vol', 'approx', 'dept', 'est', 'misc', 'fig', 'jan',
  'feb', 'apr', 'jun', 'jul', 'aug', 'sept', 'oct', 'nov', 'dec', 'al',
]);
/** Words written with a final apostrophe that belongs to them (PTB keeps `ol'` whole). */
const APOSTROPHE_FINAL = new Set(['ol']);
const DOTTED_ACRONYM = /^(?:\p{L}\.)+\p{L}$/u;
const SINGLE_LETTER = /^\p{L}\p{M}*$/u;
/** Only closing quotes/brackets and whitespace up to the end of the text: the period ends the text. */
const TEXT_END = /[\s'"`’”»)\]}]*$/y;

/** Whole words split into fixed parts (PTB), by the lengths of the parts. */
const SPLIT_WORDS = new Map<string, readonly number[]>([
  ['cannot', [3, 3]], ['gonna', [3, 2]], ['gotta', [3, 2]], ['wanna', [3, 2]], ['gimme', [3, 2]], ['lemme', [3, 2]],
  ["d'ye", [1, 3]], ['d’ye', [1, 3]], ["more'n", [4, 2]], ['more’n', [4, 2]], ['whaddya', [3, 2, 2]],
  ['whatcha', [3, 1, 3]],
]);
/** Clitic suffixes split from the end of a word; the rest of the word must be non-empty. */
const SUFFIX = /(?:n['’]t|['’](?:s|re|ve|ll|d|m))$/iu;
const APOSTROPHE = /['’]/;

/** Emit the spans of a word `[start, end)` of `text`, with its clitics split off. */
function emitWord(text: string, start: number, end: number, emit: (start: number, end: number) => void): void {
  const word = text.slice(start, end);
  const parts = SPLIT_WORDS.get(word.toLowerCase());
  if (parts !== undefined) {
    let at = start;
    for (const len of parts) {
      emit(at, at + len);
      at += len;
    }
    return;
  }
  if (!APOSTROPHE.test(word)) {
    emit(start, end);
    return;
  }
  // Peel clitics from the end (`shouldn't've` → `should` `n't` `'ve`), then emit stem and clitics in order.
  const cuts: number[] = [end];
  let stemEnd = end;
  for (;;) {
    const m = SUFFIX.exec(text.slice(start, stemEnd));
    if (m === null || m.index === 0) break;
    stemEnd = start + m.index;
    cuts.push(stemEnd);
  }
  emit(start, stemEnd);
  for (let i = cuts.length - 1; i > 0; i--) emit(cuts[i], cuts[i - 1]);
}

/** Whether the period right after the word `[start, end)` belongs to it (see rule 4 in the module doc). */
function takesPeriod(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(end) !== 0x2e) return false;
  let dots = 1;
  while (text.charCodeAt(end + dots) === 0x2e) dots++;
  if (dots > 2) return false; // an ellipsis
  const word = text.slice(start, end);
  if (DOTTED_ACRONYM.test(word) || SINGLE_LETTER.test(word)) return true;
  if (!ABBREVIATIONS.has(word.toLowerCase())) return false;
  if (dots === 2) return true;
  TEXT_END.lastIndex = end + 1;
  return !TEXT_END.test(text);
}

/** Whether the apostrophe right after the word `[start, end)` belongs to it (`ol'`). */
function takesApostrophe(text: string, start: number, end: number): boolean {
  const c = text.charCodeAt(end);
  return (c === 0x27 || c === 0x2019) && APOSTROPHE_FINAL.has(text.slice(start, end).toLowerCase());
}

/**
 * Call `emit(start, end)` for each token span of `text`, in order (the allocation-free core of {@link preTokenize}).
 */
export function scanTokens(text: string, emit: (start: number, end: number) => void): void {
  SCANNER.lastIndex = 0;
  for (let m = SCANNER.exec(text); m !== null; m = SCANNER.exec(text)) {
    const end = SCANNER.lastIndex;
    let g = 1;
    while (m[g] === undefined) g++;
    const start = end - m[g].length;
    if (g === CJK_GROUP) {
      emitCjkRun(text, start, end, emit);
    } else if (g !== WORD_GROUP) {
      emit(start, end);
    } else if (takesPeriod(text, start, end) || takesApostrophe(text, start, end)) {
      SCANNER.lastIndex = end + 1;
      emit(start, end + 1);
    } else {
      emitWord(text, start, end, emit);
    }
  }
}

/** One token per CJK character of the run `[start, end)`, each with the combining marks that follow it. */
function emitCjkRun(text: string, start: number, end: number, emit: (start: number, end: number) => void): void {
  if (MARK.test(text.slice(start, end))) {
    for (let i = start; i < end; i = CJK_CHAR.lastIndex) {
      CJK_CHAR.lastIndex = i;
      CJK_CHAR.test(text);
      emit(i, CJK_CHAR.lastIndex);
    }
    return;
  }
  for (let i = start; i < end; ) {
    const next = i + ((text.charCodeAt(i) & 0xfc00) === 0xd800 ? 2 : 1);
    emit(i, next);
    i = next;
  }
}

/**
 * Split `text` into token spans (see the module doc for the rules).
 * @param text - usually the output of `normalize`; any string is accepted
 * @returns spans in order, non-overlapping, never empty, covering every non-whitespace character of `text`
 */
export function preTokenize(text: string): Span[] {
  const out: Span[] = [];
  scanTokens(text, (start, end) => out.push({ start, end }));
  return out;
}
