/**
 * Pretrained word vectors in the text format of word2vec, GloVe and fastText (`.txt`, `.vec`, optionally gzipped):
 * one word per line followed by its numbers, separated by spaces, with an optional first line `count dim`.
 *
 * The file is streamed and only the vectors of vocabulary words are kept, so memory is the vocabulary's `(V, dim)`
 * matrix whatever the file's size. A word of the vocabulary takes the vector of the line with exactly its text; when
 * there is none, of the first line whose lowercased word equals it (fastText's files are cased, our tokenizer
 * lowercases by default). Every line's field count is checked; the numbers of the kept lines are parsed and checked
 * to be finite. A bad line is a `DataFormatError` naming the file and line.
 * @module
 */
import { readLines } from '#platform';
import { DataFormatError } from '../errors.js';

/** The vectors of one vocabulary, read from a vectors file. */
export interface WordVectors {
  /** The file read. */
  readonly file: string;
  /** E: the size of every vector, from the file. */
  readonly dim: number;
  /** `(V, E)` row-major float32: row i is the vector of vocabulary id i when `covered[i]` is 1, else zeros. */
  readonly vectors: Float32Array;
  /** `(V)`: 1 where the file gave the word a vector. */
  readonly covered: Uint8Array;
  /** Vocabulary words that got a vector (exactly or by lowercase). */
  readonly coveredCount: number;
  /** Of those, words matched only through their lowercase form. */
  readonly lowercaseMatches: number;
  /** Words in the vocabulary that were looked up (`skip`ped ids excluded). */
  readonly lookedUp: number;
  /** Vector lines in the file (the header line excluded). */
  readonly fileWords: number;
}

export interface ReadWordVectorsOptions {
  /** Vocabulary ids that never take a vector (the specials `<pad>` and `<unk>`). Default: none. */
  skip?: Iterable<number>;
}

const HEADER = /^\s*(\d+)\s+(\d+)\s*$/;
const [NONE, LOWERCASE, EXACT] = [0, 1, 2];

/** `lines`, with a corrupt gzip stream turned into a `DataFormatError` naming the last good line. */
async function* guardGzip(lines: AsyncGenerator<string>, path: string, lineNo: () => number): AsyncGenerator<string> {
  try {
    yield* lines;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new DataFormatError('bad-row', path, lineNo() + 1, `the gzip data is corrupt (${(err as Error).message})`);
    }
    throw err;
  }
}

/**
 * Reads the vectors of `words` (the vocabulary's tokens by id) from a word2vec/GloVe/fastText text file.
 * @param path - a `.txt`/`.vec` file, or the same gzipped
 * @param words - `(V)` the vocabulary's tokens in id order
 * @throws DataFormatError naming the file and line: a field count that differs from the header's or the first
 *   line's dimension, a number that is not finite, a header with dimension 0, or a file with no vector
 */
export async function readWordVectors(path: string, words: readonly string[], options: ReadWordVectorsOptions = {}): Promise<WordVectors> {
  const skip = new Set(options.skip ?? []);
  const ids = new Map<string, number>();
  words.forEach((w, id) => {
    if (!skip.has(id) && !ids.has(w)) ids.set(w, id);
  });
  const V = words.length;
  let dim = 0;
  let vectors = new Float32Array(0);
  /** How each vocabulary word got its vector: NONE, LOWERCASE or EXACT (an exact line beats a lowercase one). */
  const match = new Uint8Array(V);
  let lineNo = 0;
  let fileWords = 0;
  const bad = (reason: string): DataFormatError => new DataFormatError('bad-row', path, lineNo, reason);

  const lines = readLines(path);
  for await (const raw of guardGzip(lines, path, () => lineNo)) {
    lineNo++;
    const line = raw.trimEnd();
    if (lineNo === 1) {
      const header = HEADER.exec(line);
      if (header !== null) {
        dim = Number(header[2]);
        if (dim === 0) throw bad('the header says the vectors have 0 dimensions');
        vectors = new Float32Array(V * dim);
        continue;
      }
    }
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    if (dim === 0) {
      if (fields.length < 2) throw bad(`expected a word and its numbers, found ${fields.length} field`);
      dim = fields.length - 1;
      vectors = new Float32Array(V * dim);
    }
    if (fields.length < dim + 1) throw bad(`expected a word and ${dim} numbers, found ${fields.length - 1} numbers`);
    fileWords++;
    // Words may contain spaces (GloVe 840B has a few): the last `dim` fields are the numbers.
    const word = fields.length === dim + 1 ? fields[0] : fields.slice(0, fields.length - dim).join(' ');
    const exactId = ids.get(word);
    const id = exactId ?? ids.get(word.toLowerCase());
    const rank = exactId === undefined ? LOWERCASE : EXACT;
    if (id === undefined || match[id] >= rank) continue; // of each kind, the first line wins
    const offset = fields.length - dim;
    for (let k = 0; k < dim; k++) {
      const x = Number(fields[offset + k]);
      if (!Number.isFinite(x) || fields[offset + k] === '') throw bad(`number ${k + 1} of '${word}' is '${fields[offset + k]}', expected a finite number`);
      vectors[id * dim + k] = x;
    }
    match[id] = rank;
  }
  if (fileWords === 0) throw new DataFormatError('no-examples', path, null, 'the file has no word vectors');
  const covered = match.map((m) => (m === NONE ? 0 : 1));
  const coveredCount = covered.reduce((a, b) => a + b, 0);
  const lowercaseMatches = match.filter((m) => m === LOWERCASE).length;
  return { file: path, dim, vectors, covered, coveredCount, lowercaseMatches, lookedUp: ids.size, fileWords };
}
