/**
 * nn-core's `#platform` outside Node.js (browsers, workers, any bundle without the `node` condition): the same
 * exports as `node.ts`, with no file system; each throws one sentence naming the path. Bytes in memory work
 * everywhere: `parseSafetensors` and `serializeSafetensors`.
 */
function noFiles(path: string): Error {
  return new Error(`${path}: reading and writing files by path needs Node.js; here, use parseSafetensors and serializeSafetensors on bytes`);
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
