/**
 * Text → token ids: `@recurrent/tokenizer`'s `Tokenizer` (normalize → pre-tokenize → post-process) and `Vocab`,
 * as one object the trainer and the classifier use. `<pad>` is id 0 (the embedding's padding row) and `<unk>`
 * id 1, the `Vocab` defaults.
 */
import { Tokenizer, TokenizerFormatError, Vocab, type TokenizerOptions } from '@recurrent/tokenizer';
import type { Json } from './json.js';
import { PAD_ID } from './data/loader.js';
import { ModelFormatError } from './errors.js';

export interface TextPipeline {
  readonly tokenizer: Tokenizer;
  readonly vocab: Vocab;
  /** V, including `<pad>` and `<unk>`. */
  readonly vocabSize: number;
  /** Token limit (longer texts keep their first `maxLength` tokens), or null. */
  readonly maxLength: number | null;
  /** The tokens of a text. */
  tokenize(text: string): string[];
  /** Token ids of a text, cut to `maxLength` (unknown tokens → `<unk>`). */
  encode(text: string): Int32Array;
  /** Tokenizer settings for config.json (`Tokenizer.toJSON()`). */
  tokenizerJson(): Json;
  /** The vocabulary for vocab.json (`Vocab.toJSON()`). */
  vocabJson(): Json;
}

export interface PipelineOptions {
  /** Tokenizer settings. Default: the tokenizer's defaults (NFKC, lowercase, PTB-style splitting). */
  tokenizer?: TokenizerOptions;
  /** Keep tokens seen at least this often in the training texts. Default 1. */
  minFreq?: number;
  /** Largest vocabulary size V (specials included); null for no limit. */
  maxVocab?: number | null;
  maxLength?: number | null;
}

class TokenizerPipeline implements TextPipeline {
  constructor(
    readonly tokenizer: Tokenizer,
    readonly vocab: Vocab,
    readonly maxLength: number | null,
  ) {}
  get vocabSize(): number {
    return this.vocab.size;
  }
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }
  encode(text: string): Int32Array {
    let toks = this.tokenizer.tokenize(text);
    if (this.maxLength !== null && toks.length > this.maxLength) toks = toks.slice(0, this.maxLength);
    return Int32Array.from(this.vocab.encode(toks));
  }
  tokenizerJson(): Json {
    return this.tokenizer.toJSON() as unknown as Json;
  }
  vocabJson(): Json {
    return this.vocab.toJSON() as unknown as Json;
  }
}

/**
 * Tokenizes the training texts and builds the vocabulary (deterministic: by descending count, ties by first
 * occurrence, see `Vocab.build`).
 */
export function buildPipeline(texts: Iterable<string>, options: PipelineOptions = {}): TextPipeline {
  const tokenizer = new Tokenizer(options.tokenizer ?? {});
  const lists = Array.from(texts, (t) => tokenizer.tokenize(t));
  const vocab = Vocab.build(lists, { minFreq: options.minFreq ?? 1, maxSize: options.maxVocab ?? undefined });
  return new TokenizerPipeline(tokenizer, vocab, options.maxLength ?? null);
}

/** The pipeline of a saved model (config.json's tokenizer settings and vocab.json); `file` names vocab.json in errors. */
export function pipelineFromJson(tokenizer: Json, vocab: Json, maxLength: number | null, file: string): TextPipeline {
  let t: Tokenizer;
  let v: Vocab;
  try {
    t = Tokenizer.fromJSON(tokenizer);
    v = Vocab.fromJSON(vocab);
  } catch (err) {
    if (err instanceof TokenizerFormatError) throw new ModelFormatError('bad-config', file, err.message);
    throw err;
  }
  if (v.padId !== PAD_ID) throw new ModelFormatError('bad-config', file, `the padding token has id ${v.padId}, expected ${PAD_ID}`);
  return new TokenizerPipeline(t, v, maxLength);
}
