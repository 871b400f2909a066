import { describe, expect, it } from 'vitest';
import { preTokenize } from './pre_tokenize.js';

/** Token strings of `text` (the input is used as is: no normalization in this stage). */
function split(text: string): string[] {
  return preTokenize(text).map(({ start, end }) => text.slice(start, end));
}

describe('preTokenize: Penn Treebank conventions', () => {
  it('splits n\'t and the \'s/\'re/\'ve/\'ll/\'d/\'m clitics from their word', () => {
    expect(split("doesn't it's we're they've you'll i'd i'm")).toEqual(
      ['does', "n't", 'it', "'s", 'we', "'re", 'they', "'ve", 'you', "'ll", 'i', "'d", 'i', "'m"],
    );
  });

  it("keeps PTB's odd stems: can't → ca n't, won't → wo n't; several clitics peel in order", () => {
    expect(split("can't won't shouldn't've")).toEqual(['ca', "n't", 'wo', "n't", 'should', "n't", "'ve"]);
  });

  it('accepts the typographic apostrophe ’ as well', () => {
    expect(split('doesn’t it’s')).toEqual(['does', 'n’t', 'it', '’s']);
  });

  it('is case-insensitive for clitics: DOESN\'T → DOES N\'T', () => {
    expect(split("DOESN'T IT'S")).toEqual(['DOES', "N'T", 'IT', "'S"]);
  });

  it('keeps already-split clitics (SST-2 text) as single tokens', () => {
    expect(split("does n't it 's ca n't")).toEqual(['does', "n't", 'it', "'s", 'ca', "n't"]);
  });

  it('splits cannot, gonna, wanna, gotta, gimme, lemme and whaddya into their PTB parts, but not wannabe', () => {
    expect(split('cannot gonna wanna gotta gimme lemme whaddya wannabe')).toEqual(
      ['can', 'not', 'gon', 'na', 'wan', 'na', 'got', 'ta', 'gim', 'me', 'lem', 'me', 'wha', 'dd', 'ya', 'wannabe'],
    );
  });

  it("keeps apostrophe-initial words whole: 'n', 'n, 'em, 'til, '70s; 'tis → 't is", () => {
    expect(split("rock 'n' roll , 'n safe , get 'em 'til the '70s , 'tis")).toEqual(
      ['rock', "'n'", 'roll', ',', "'n", 'safe', ',', 'get', "'em", "'til", 'the', "'70s", ',', "'t", 'is'],
    );
  });

  it("treats other apostrophes as quotes: 'solaris' → ' solaris '; the possessive dogs' → dogs '", () => {
    expect(split("'solaris' dogs' ol' boys")).toEqual(["'", 'solaris', "'", 'dogs', "'", "ol'", 'boys']);
  });

  it('keeps inner hyphens, slashes, apostrophes, dots and ampersands: 5 words', () => {
    expect(split("heavy-handed writer/director o'fallon u.s at&t")).toEqual(
      ['heavy-handed', 'writer/director', "o'fallon", 'u.s', 'at&t'],
    );
  });

  it('keeps numbers with inner commas, dots and colons; splits $ and %', () => {
    expect(split('$1,000.50 at 10:30 , 12% 2-d 28k 19th')).toEqual(
      ['$', '1,000.50', 'at', '10:30', ',', '12', '%', '2-d', '28k', '19th'],
    );
  });

  it('splits a comma or colon between letters: a,b → a , b', () => {
    expect(split('a,b c:d')).toEqual(['a', ',', 'b', 'c', ':', 'd']);
  });

  it('makes a run of one punctuation character one token (... -- `` \'\') and a run of ?/! one token', () => {
    expect(split("wait... a--b ``x'' what?!? no!!")).toEqual(
      ['wait', '...', 'a', '--', 'b', '``', 'x', "''", 'what', '?!?', 'no', '!!'],
    );
  });

  it('splits brackets and sentence punctuation: (really), yes; ok: fine.', () => {
    expect(split('(really), yes; ok: fine.')).toEqual(['(', 'really', ')', ',', 'yes', ';', 'ok', ':', 'fine', '.']);
  });
});

describe('preTokenize: abbreviations', () => {
  it('keeps the period of dotted acronyms and single letters, even at the end (PTB: "jason x.")', () => {
    expect(split('the u.s. and l.a. , j. k. rowling , jason x.')).toEqual(
      ['the', 'u.s.', 'and', 'l.a.', ',', 'j.', 'k.', 'rowling', ',', 'jason', 'x.'],
    );
  });

  it('keeps the period of listed abbreviations inside a sentence: mr. smith vs. etc. , no. 1', () => {
    expect(split('mr. smith vs. dr. who etc. , no. 1')).toEqual(['mr.', 'smith', 'vs.', 'dr.', 'who', 'etc.', ',', 'no.', '1']);
  });

  it("splits a listed abbreviation's period at the end of the text (also before closing quotes): etc .", () => {
    expect(split('and so on etc.')).toEqual(['and', 'so', 'on', 'etc', '.']);
    expect(split("say no.' ")).toEqual(['say', 'no', '.', "'"]);
  });

  it('reads a doubled period as abbreviation + sentence end: etc.. → etc. . (PTB writes "etc. .")', () => {
    expect(split('etc..')).toEqual(['etc.', '.']);
  });

  it('splits an ellipsis from any word: etc... → etc ...; ordinary words lose their period: end. → end .', () => {
    expect(split('etc... the end.')).toEqual(['etc', '...', 'the', 'end', '.']);
  });
});

describe('preTokenize: scripts, emoji, odd input', () => {
  it('keeps letters of every script: café, naïve, Ελληνικά, русский, עברית, العربية, हिन्दी, 한국어', () => {
    const words = ['café', 'naïve', 'Ελληνικά', 'русский', 'עברית', 'العربية', 'हिन्दी', '한국어'];
    expect(split(words.join(' '))).toEqual(words);
  });

  it('splits Han and kana per character, also inside Latin text: 日本語のテキスト中文text → 10 + 1 tokens', () => {
    expect(split('日本語のテキスト中文text')).toEqual(['日', '本', '語', 'の', 'テ', 'キ', 'ス', 'ト', '中', '文', 'text']);
  });

  it('keeps a combining mark with its CJK character: か + U+3099 is one token', () => {
    expect(split('か\u3099き')).toEqual(['か\u3099', 'き']);
  });

  it('keeps a CJK character outside the BMP (𠀀 U+20000, 2 code units) whole', () => {
    expect(split('𠀀中')).toEqual(['𠀀', '中']);
  });

  it('keeps emoji sequences whole: ZWJ family, skin tone, flag, keycap, VS16 heart, tag flag', () => {
    const emoji = ['👨‍👩‍👧‍👦', '👍🏽', '👩🏽‍💻', '🇫🇷', '#️⃣', '❤️', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'];
    expect(split(emoji.join(''))).toEqual(emoji);
    expect(split(`great${emoji[1]}movie`)).toEqual(['great', emoji[1], 'movie']);
  });

  it('returns nothing for the empty string and for whitespace only', () => {
    expect(split('')).toEqual([]);
    expect(split(' \t\n\u00a0\u3000 ')).toEqual([]);
  });

  it('drops whitespace runs of every kind between tokens', () => {
    expect(split('  a \t\t b\n\n\nc\u2003\u2003d  ')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps lone surrogates, controls and lone combining marks as tokens (nothing is lost)', () => {
    expect(split('\uD800 a\u0000b \u0301')).toEqual(['\uD800', 'a', '\u0000', 'b', '\u0301']);
  });

  it('returns spans that cover all non-space characters of the input, in order', () => {
    const text = "  It's 12.5% (approx.)—done 👍🏽 日本 ";
    const spans = preTokenize(text);
    expect(spans.map(({ start, end }) => text.slice(start, end)).join('')).toBe(text.replace(/\s/g, ''));
  });
});
