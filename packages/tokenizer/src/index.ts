// Public surface of @recurrent/tokenizer.
export { Tokenizer } from './tokenizer.js';
export type { Token, TokenizerOptions, ResolvedTokenizerOptions, TokenizerJSON } from './tokenizer.js';
export { Vocab } from './vocab.js';
export type { VocabBuildOptions, VocabJSON, EncodeBatchOptions, EncodedBatch } from './vocab.js';
export { normalize, toOriginalSpan } from './normalize.js';
export type { NormalizeOptions, NormalizedText, UnicodeForm } from './normalize.js';
export { preTokenize } from './pre_tokenize.js';
export type { Span } from './pre_tokenize.js';
export { detokenize } from './detokenize.js';
export { ENGLISH_STOP_WORDS, porterStem, MissingDependencyError, NATURAL_INSTALL_COMMAND } from './stem.js';
export { FORMAT_VERSION, TokenizerFormatError } from './serialization.js';
