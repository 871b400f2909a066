/**
 * Vitest global setup: rebuilds nn-core's WebAssembly kernels when a source in packages/nn-core/assembly/ (or the
 * build script) is newer than a build in packages/nn-core/build/, or a build is missing, so the tests never run an
 * edited kernel's previous build. On a clean clone the builds come from `pnpm install` and nothing is rebuilt.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const script = join(import.meta.dirname, '../../packages/nn-core/scripts/build-wasm.mjs');
  const r = spawnSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building the WebAssembly kernels failed (${script} --if-stale exited with ${r.status ?? r.signal})`);
}
