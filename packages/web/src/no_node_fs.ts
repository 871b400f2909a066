/**
 * What `node:fs` is in this page's bundle: nothing that reads files. nn-core's WebAssembly kernel loader still
 * imports `readFileSync` from `node:fs`; it catches the failure and falls back to the JavaScript kernels. Vite's
 * production build already replaces `node:fs` by an empty module, but its dev server replaces it by one that throws
 * as soon as the import is evaluated, so without this module `pnpm web` would stop before the page starts.
 * Remove it (and its alias in vite.config.ts) once the kernel loader no longer imports `node:fs` in the browser.
 */
export function readFileSync(path: unknown): never {
  throw new Error(`cannot read ${String(path)}: there is no file system in the browser`);
}
