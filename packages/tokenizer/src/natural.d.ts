// Types for the two modules of `natural` that we import directly. Importing `natural` itself costs ~1.5 s (it loads
// every submodule, including database-backed storage and dotenv), so its index and index.d.ts are never used.

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  /** natural's English Porter stemmer (a singleton); `stem` lowercases its input and keeps words shorter than 3. */
  const PorterStemmer: { stem(token: string): string };
  export = PorterStemmer;
}

declare module 'natural/lib/natural/util/stopwords.js' {
  /** natural's English stop-word list (170 lowercase entries, including single letters and digits). */
  export const words: string[];
}
