/**
 * nn-core's `#platform` outside Node.js (browsers, workers, any bundle without the `node` condition): the same
 * exports as `node.ts`, with no file system; each throws one sentence naming the path. Bytes in memory work
 * everywhere: `parseSafetensors` and `serializeSafetensors`.
 */
function noFiles(path: string): Error {
  return new Error(`${path}: reading and writing files by path needs Node.js; here, use parseSafetensors and serializeSafetensors on bytes`);
}

/** Where this implementation runs: kernels are fetched and compiled asynchronously here (`kernelsReady`). */
export const PLATFORM: 'node' | 'browser' = 'browser';

/** No synchronous file access: the builds are fetched by `kernelsReady` instead. */
export function readKernelBuild(_file: string): Uint8Array | null {
  return null;
}

export async function readFileBytes(path: string): Promise<Uint8Array> {
  throw noFiles(path);
}

export async function fileSize(path: string): Promise<number> {
  throw noFiles(path);
}

export async function writeFileAtomic(path: string, _data: Uint8Array | string): Promise<void> {
  throw noFiles(path);
}
