/**
 * Text → token ids: the tokenizer plus the vocabulary, as one object the trainer and the classifier use.
 * `<pad>` is id 0 (the embedding's padding row) and `<unk>` id 1.
 */
import type { Json } from './checkpoint.js';
import { ModelFormatError } from './errors.js';

export interface TextPipeline {
  /** V, including `<pad>` and `<unk>`. */
  readonly vocabSize: number;
  /** Token limit (longer texts keep their first `maxLength` tokens), or null. */
  readonly maxLength: number | null;
  /** The tokens of a text. */
  tokenize(text: string): string[];
  /** Token ids of a text, cut to `maxLength`. */
  encode(text: string): Int32Array;
  /** Tokenizer settings for config.json. */
  tokenizerJson(): Json;
  /** The vocabulary for vocab.json. */
  vocabJson(): Json;
}

export interface PipelineOptions {
  /** Keep tokens seen at least this often in the training texts. Default 1. */
  minFreq?: number;
  /** Keep at most this many tokens (most frequent first), besides the specials; null for all. */
  maxVocab?: number | null;
  maxLength?: number | null;
}

const PAD = '<pad>';
const UNK = '<unk>';

/** Lower-cases and splits on whitespace (the texts of SST-2 are already PTB-tokenized). */
function tokenize(text: string): string[] {
  return text.toLowerCase().split(/\s+/u).filter((t) => t !== '');
}

class WhitespacePipeline implements TextPipeline {
  private readonly index: Map<string, number>;
  constructor(
    private readonly tokens: readonly string[],
    readonly maxLength: number | null,
  ) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
  }
  get vocabSize(): number {
    return this.tokens.length;
  }
  tokenize(text: string): string[] {
    return tokenize(text);
  }
  encode(text: string): Int32Array {
    let toks = tokenize(text);
    if (this.maxLength !== null && toks.length > this.maxLength) toks = toks.slice(0, this.maxLength);
    return Int32Array.from(toks, (t) => this.index.get(t) ?? 1);
  }
  tokenizerJson(): Json {
    return { type: 'whitespace', lowercase: true };
  }
  vocabJson(): Json {
    return { tokens: [...this.tokens] };
  }
}

/**
 * Builds the vocabulary from training texts. Deterministic: tokens sorted by descending count, ties by the
 * token string.
 */
export function buildPipeline(texts: Iterable<string>, options: PipelineOptions = {}): TextPipeline {
  const minFreq = options.minFreq ?? 1;
  const counts = new Map<string, number>();
  for (const text of texts) for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  let kept = [...counts].filter(([t, c]) => c >= minFreq && t !== PAD && t !== UNK);
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (options.maxVocab !== undefined && options.maxVocab !== null) kept = kept.slice(0, options.maxVocab);
  return new WhitespacePipeline([PAD, UNK, ...kept.map(([t]) => t)], options.maxLength ?? null);
}

/** The pipeline of a saved model (config.json's tokenizer settings and vocab.json). */
export function pipelineFromJson(tokenizer: Json, vocab: Json, maxLength: number | null, file: string): TextPipeline {
  const tokens = (vocab as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string') || tokens[0] !== PAD || tokens[1] !== UNK) {
    throw new ModelFormatError('bad-config', file, `expected { tokens: [...] } starting with ${PAD}, ${UNK}`);
  }
  if ((tokenizer as { type?: unknown } | null)?.type !== 'whitespace') {
    throw new ModelFormatError('bad-config', file, `unknown tokenizer settings ${JSON.stringify(tokenizer)}`);
  }
  return new WhitespacePipeline(tokens as string[], maxLength);
}
