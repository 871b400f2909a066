// Compiles the WebAssembly kernels from source (assembly/*.ts, AssemblyScript) into build/*.wasm.
// Runs from this package's `prepare` script, so `pnpm install` on a fresh clone produces them; no binary is committed.
// With `--if-stale` it builds only when a build is missing or older than a source (assembly/*, this script): the
// tests run it first (test/setup/kernels.ts), so an edited kernel is never tested against its previous build.
// Variants: relaxed SIMD (sgemm with fused multiply-add, preferred wherever the engine accepts it) and plain 128-bit
// SIMD (the fallback), each also as a shared-memory build for several threads. The loader
// (src/kernels/cpu/gemm_wasm.ts) falls back to JavaScript without them.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const common = ['--runtime', 'stub', '--use', 'abort=', '-O3', '--noAssert', '--initialMemory', '1', '--enable', 'simd'];
// The shared builds import one shared memory that the calling thread and the sgemm worker threads all instantiate on.
const shared = ['--enable', 'threads', '--importMemory', '--sharedMemory', '--maximumMemory', '65536'];
const targets = [
  { src: 'assembly/index.ts', out: 'build/kernels.wasm', flags: [] },
  { src: 'assembly/index.ts', out: 'build/kernels_relaxed.wasm', flags: ['--enable', 'relaxed-simd'] },
  { src: 'assembly/index.ts', out: 'build/kernels_shared.wasm', flags: shared },
  { src: 'assembly/index.ts', out: 'build/kernels_relaxed_shared.wasm', flags: ['--enable', 'relaxed-simd', ...shared] },
];

/** True when some build is missing or older than the newest source. */
function stale() {
  const sources = [...readdirSync(join(root, 'assembly')).map((f) => join(root, 'assembly', f)), fileURLToPath(import.meta.url)];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  return targets.some((t) => !existsSync(join(root, t.out)) || statSync(join(root, t.out)).mtimeMs < newest);
}

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);
const { default: asc } = await import('assemblyscript/asc'); // loaded only when there is something to build
mkdirSync(join(root, 'build'), { recursive: true });
for (const t of targets) {
  const { error, stderr } = await asc.main([join(root, t.src), '--outFile', join(root, t.out), ...common, ...t.flags]);
  if (error) {
    process.stderr.write(stderr.toString());
    throw error;
  }
}
