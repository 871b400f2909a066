/**
 * Undo Penn-Treebank spacing: turn a token list such as SST-2's `it does n't work , ( really ) .` back into
 * ordinary text (`it doesn't work, (really).`). Used to test that the tokenizer recovers the dataset's tokens from
 * natural text; quote tokens (`` `` `` `''` `` ` `` `'`) are kept as they are, only their spacing changes.
 * @module
 */

/** Tokens written without a space before them. */
const ATTACH_LEFT = new Set([',', '.', ';', ':', '?', '!', '%', ')', ']', '}', "''", "'", '...', '…', '”', '’', '»']);
/** Tokens written without a space after them. */
const ATTACH_RIGHT = new Set(['(', '[', '{', '$', '#', '``', '`', '“', '‘', '«']);
/** Clitics split off by the tokenizer, written without a space before them. */
const CLITIC = /^(?:n['’]t|['’](?:s|re|ve|ll|d|m))$/i;
/** PTB splits of whole words (`can not` ← `cannot`), as `first second` in lowercase. */
const SPLIT_PAIRS = new Set(['can not', 'gon na', 'got ta', 'wan na', 'gim me', 'lem me', "'t is", "'t was", "d 'ye", "more 'n"]);
const PUNCT_ONLY = /^[^\p{L}\p{N}]+$/u;
const QUERY = /^[?!]+$/;

/**
 * Join PTB tokens into text, attaching punctuation, brackets and clitics the way they are written.
 * A punctuation token is not attached to a neighbour made of the same character (`. .` stays spaced), or to a
 * neighbour when both are made of `?` and `!` (`? !`), since re-tokenizing would merge them into one run.
 * @example detokenize(['it', 'does', "n't", 'work', ',', '(', 'really', ')', '.']) // "it doesn't work, (really)."
 */
export function detokenize(tokens: readonly string[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (i > 0 && !joins(tokens[i - 1], tok)) out += ' ';
    out += tok;
  }
  return out;
}

function joins(prev: string, tok: string): boolean {
  if (PUNCT_ONLY.test(prev) && PUNCT_ONLY.test(tok) && (prev[prev.length - 1] === tok[0] || QUERY.test(prev + tok))) {
    return false;
  }
  if (ATTACH_RIGHT.has(prev)) return true;
  if (ATTACH_LEFT.has(tok) || CLITIC.test(tok)) return true;
  return SPLIT_PAIRS.has(`${prev} ${tok}`.toLowerCase());
}
