/**
 * Stage 1 of the tokenizer: Unicode normalization that remembers where every output character came from.
 *
 * The input is cut into normalization segments — a code point together with everything that can compose with it
 * (combining marks, conjoining Hangul vowels/finals and their compatibility forms, halfwidth voiced-sound marks) —
 * and each segment is normalized on its own: Unicode form (NFKC by default), then optional lowercasing, then optional
 * accent stripping. Every character of the result maps back to the span `[start, end)` of the segment it came from in
 * the original string. Where normalization keeps a segment's length (all ASCII text, most letters) the map is
 * one-to-one; where it changes it (`ﬁ` → `fi`, `½` → `1⁄2`, `e` + U+0301 → `é`) all output characters of the segment
 * share the segment's span.
 *
 * Per-segment normalization equals `text.normalize(form)` (checked by a property test on an alphabet of composing
 * characters); lowercasing per segment differs from whole-string `toLowerCase()` only in Greek final sigma, which
 * stays `σ` (a segment has no context to know it ends a word).
 * @module
 */

/** Unicode normalization form applied before tokenization (`'none'` keeps the text as it is). */
export type UnicodeForm = 'NFKC' | 'NFC' | 'none';

/** Options of the normalization stage. */
export interface NormalizeOptions {
  /** Unicode normalization form. Default `'NFKC'` (compatibility characters such as `ﬁ`, full-width forms, `…` are unfolded). */
  form?: UnicodeForm;
  /** Lowercase with `String.prototype.toLowerCase` (locale-independent). Default `true`. */
  lowercase?: boolean;
  /**
   * Remove accents: decompose (NFD), drop nonspacing marks (category Mn), recompose (NFC). Default `false`.
   * Spacing marks (Mc, e.g. Devanagari vowel signs) are kept. This is the one option that deletes characters.
   */
  stripAccents?: boolean;
}

/** Normalized text with a map back to the original string. */
export interface NormalizedText {
  /** The string the normalization started from. */
  readonly original: string;
  /** The normalized string. */
  readonly text: string;
  /** `starts[i]` = start (UTF-16 index into `original`) of the segment that produced `text[i]`. */
  readonly starts: Int32Array;
  /** `ends[i]` = end (exclusive) of the segment that produced `text[i]`. */
  readonly ends: Int32Array;
}

/**
 * Characters that never start a normalization segment: they compose with (or reorder against) what precedes them.
 * \p{M}: combining marks; U+0E33/U+0EB3: Thai/Lao AM (NFKD starts with a mark); U+1160–U+11FF, U+D7B0–U+D7FF:
 * conjoining Hangul vowels and finals; U+3131–U+318E, U+FFA0–U+FFDC: their compatibility and halfwidth forms (NFKC
 * turns them into conjoining jamo that compose with the previous syllable); U+FF9E–U+FF9F: halfwidth (semi-)voiced
 * sound marks; U+16D63, U+16D67: Kirat Rai vowel signs that compose although they are not marks.
 */
const CONT = String.raw`\p{M}\u0E33\u0EB3\u1160-\u11FF\u3131-\u318E\uD7B0-\uD7FF\uFF9E-\uFFDC\u{16D63}\u{16D67}`;

/**
 * Characters that every option combination leaves unchanged one by one: ASCII (lowercasing maps it one-to-one) and
 * characters that change neither under NFKC + case folding nor under lowercasing (this covers NFC, NFKC and
 * lowercasing; checked over all code points). Composing characters are excluded. Runs of these are copied with an
 * identity offset map instead of being normalized segment by segment, which is ~20× faster on CJK text.
 */
const STABLE = String.raw`[\x00-\x7f[[\P{Changes_When_NFKC_Casefolded}]--[\p{Changes_When_Lowercased}${CONT}]]]`;

/**
 * One segment per match: either a run of stable characters not followed by a composing character (the fast path), or
 * one code point (or lone surrogate) with its composing followers (group 1 is set for the fast path). Whitespace
 * composes with nothing, so a mark after a space is a segment of its own: the space, which no token contains, stays
 * out of that mark's span. With accent stripping only ASCII is fast.
 */
const SEGMENT = new RegExp(String.raw`(${STABLE}+)(?![${CONT}])|\s|[\s\S][${CONT}]*`, 'gv');
const SEGMENT_ASCII = new RegExp(String.raw`([\x00-\x7f]+)(?![${CONT}])|\s|[\s\S][${CONT}]*`, 'gv');
const NONSPACING_MARKS = /\p{Mn}+/gu;

/** Growable pair of Int32Arrays for the offset map (normalization can make the text longer). */
class OffsetBuffer {
  starts: Int32Array;
  ends: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.starts.length) return;
    const capacity = Math.max(needed, this.starts.length * 2);
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    starts.set(this.starts.subarray(0, this.length));
    ends.set(this.ends.subarray(0, this.length));
    this.starts = starts;
    this.ends = ends;
  }
}

/** Resolved options with every default filled in. */
export interface ResolvedNormalizeOptions {
  readonly form: UnicodeForm;
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
}

/** Fill in the defaults of {@link NormalizeOptions} and check their values. */
export function resolveNormalizeOptions(options: NormalizeOptions = {}): ResolvedNormalizeOptions {
  const form = options.form ?? 'NFKC';
  if (form !== 'NFKC' && form !== 'NFC' && form !== 'none') {
    throw new RangeError(`normalize: form is ${JSON.stringify(form)}, expected 'NFKC', 'NFC' or 'none'.`);
  }
  return { form, lowercase: options.lowercase ?? true, stripAccents: options.stripAccents ?? false };
}

function normalizeSegment(segment: string, o: ResolvedNormalizeOptions): string {
  let s = o.form === 'none' ? segment : segment.normalize(o.form);
  if (o.lowercase) s = s.toLowerCase();
  if (o.stripAccents) s = s.normalize('NFD').replace(NONSPACING_MARKS, '').normalize('NFC');
  return s;
}

/**
 * Normalize `text` segment by segment and keep the map from normalized characters back to `text`.
 * @param text - any string (lone surrogates are kept as they are)
 * @returns the normalized text and, for each of its UTF-16 code units, the original span it came from
 * @example
 * normalize('Ｃａｆé').text // 'café' (full-width letters unfolded by NFKC, then lowercased)
 */
export function normalize(text: string, options: NormalizeOptions = {}): NormalizedText {
  const o = resolveNormalizeOptions(options);
  const buf = new OffsetBuffer(text.length + 16);
  const pieces: string[] = [];
  const cache = new Map<string, string>(); // segment → normalized; text reuses few distinct segments
  const segment = o.stripAccents ? SEGMENT_ASCII : SEGMENT;
  segment.lastIndex = 0;
  for (let m = segment.exec(text); m !== null; m = segment.exec(text)) {
    const seg = m[0];
    const start = m.index;
    if (m[1] !== undefined) {
      // A stable run: lowercasing (if any) keeps every code unit in place, so the offset map is the identity.
      pieces.push(o.lowercase ? seg.toLowerCase() : seg);
      buf.reserve(seg.length);
      for (let i = 0; i < seg.length; i++) {
        buf.starts[buf.length] = start + i;
        buf.ends[buf.length] = start + i + 1;
        buf.length++;
      }
      continue;
    }
    let out = cache.get(seg);
    if (out === undefined) {
      out = normalizeSegment(seg, o);
      cache.set(seg, out);
    }
    pieces.push(out);
    buf.reserve(out.length);
    buf.starts.fill(start, buf.length, buf.length + out.length);
    buf.ends.fill(start + seg.length, buf.length, buf.length + out.length);
    buf.length += out.length;
  }
  return {
    original: text,
    text: pieces.join(''),
    starts: buf.starts.slice(0, buf.length),
    ends: buf.ends.slice(0, buf.length),
  };
}

/**
 * Map a span `[start, end)` of the normalized text back to the original string.
 * @returns `[originalStart, originalEnd)`; an empty span maps to the empty span at the position of its right neighbour
 */
export function toOriginalSpan(n: NormalizedText, start: number, end: number): [number, number] {
  if (start < 0 || end > n.text.length || start > end) {
    throw new RangeError(`toOriginalSpan: span [${start}, ${end}) is outside the normalized text of length ${n.text.length}.`);
  }
  if (start === end) {
    const at = start < n.text.length ? n.starts[start] : n.original.length;
    return [at, at];
  }
  return [n.starts[start], n.ends[end - 1]];
}
