/**
 * The kernel loader's fallback to JavaScript warns once, through warnings.ts (never printing), when the builds are
 * missing; choosing JavaScript with RECURRENT_KERNELS=js does not warn. Each case loads fresh modules (the loader
 * keeps its state per module instance) with the package's build reader replaced by one that finds no file.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('#platform', async (importOriginal) => ({
  ...(await importOriginal<typeof import('#platform')>()),
  readKernelBuild: () => null,
}));

async function freshLoader() {
  vi.resetModules();
  const kernels = await import('./gemm_wasm.js');
  const warnings = await import('../../warnings.js');
  return { ...kernels, ...warnings };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('fallback to the JavaScript kernels', () => {
  it('warns once (one UserWarning) when no build can be read, however often the kernels are reloaded', async () => {
    vi.stubEnv('RECURRENT_KERNELS', '');
    const k = await freshLoader();
    const seen: string[] = [];
    const off = k.onWarning((w) => seen.push(w.message));
    const log = vi.spyOn(console, 'warn');
    expect(k.gemmBackend()).toBe('js');
    k.setNumThreads(1); // reloads the module: still the same single warning
    expect(k.gemmBackend()).toBe('js');
    off();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^WebAssembly kernels unavailable \(build\/kernels_relaxed\.wasm, kernels\.wasm missing or rejected/);
    expect(k.recentWarnings().map((w) => w.category)).toEqual(['UserWarning']);
    expect(log).not.toHaveBeenCalled();
  });

  it('does not warn when RECURRENT_KERNELS=js chooses JavaScript (0 warnings)', async () => {
    vi.stubEnv('RECURRENT_KERNELS', 'js');
    const k = await freshLoader();
    expect(k.gemmBackend()).toBe('js');
    expect(k.recentWarnings()).toEqual([]);
  });
});
