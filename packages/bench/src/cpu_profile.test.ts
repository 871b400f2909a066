import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIGS } from './configs.js';
import { gemmFlops, selfTimes, wasmExportNames, type CpuProfile } from './cpu_profile.js';

describe('bench-profile helpers', () => {
  it('count the GEMM FLOPs of a step: config A is 6·N·L·4H·(E + H) = 6·64·64·512·256 = 3,221,225,472', () => {
    const A = CONFIGS.find((c) => c.name === 'A')!;
    expect(gemmFlops(A)).toBe(3_221_225_472);
    // B: two bidirectional layers, the second reading 2H = 512 features: 2·6·32·128·1024·((128 + 256) + (512 + 256)).
    const B = CONFIGS.find((c) => c.name === 'B')!;
    expect(gemmFlops(B)).toBe(2 * 6 * 32 * 128 * 1024 * (384 + 768));
  });

  it('name the exported kernels of the built WebAssembly module by their function index', () => {
    const bytes = readFileSync(fileURLToPath(new URL('../../nn-core/build/kernels.wasm', import.meta.url)));
    const names = [...wasmExportNames(bytes).values()].sort();
    // The kernels' exported functions (assembly/index.ts), each at its own index.
    expect(names).toEqual([
      'adamStep', 'cellScratchBytes', 'gatherRows', 'gruCellBackward', 'gruCellForward', 'heapBase', 'lstmCellBackward',
      'lstmCellForward', 'packBAll', 'packedBFloats', 'poolSteps', 'recurrentLayerBackwardSteps',
      'recurrentLayerSteps', 'relaxed', 'rnnCellBackward', 'rnnReluCellForward', 'rnnTanhCellForward', 'sameBits', 'sgemm',
      'sgemmPacked', 'tokenRowsFinish', 'tokenRowsLookup', 'transpose', 'vectorAdd', 'whhTStride', 'workBytes',
    ]);
  });

  it('group self time: wasm internals count for their exported caller, JS by file, idle dropped', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [2, 5, 6] },
        { id: 2, callFrame: { functionName: 'gemm', url: 'file:///x/src/kernels/cpu/gemm_wasm.ts' }, children: [3] },
        { id: 3, callFrame: { functionName: 'wasm-function[2]', url: 'wasm://wasm/abc' }, children: [4] },
        { id: 4, callFrame: { functionName: 'wasm-function[6]', url: 'wasm://wasm/abc' } },
        { id: 5, callFrame: { functionName: '(garbage collector)', url: '' } },
        { id: 6, callFrame: { functionName: '(idle)', url: '' } },
      ],
      samples: [4, 4, 3, 2, 5, 6],
      timeDeltas: [1000, 2000, 500, 250, 125, 9000],
    };
    const t = selfTimes(profile, new Map([[2, 'sgemm']]));
    expect(Object.fromEntries(t)).toEqual({ 'wasm sgemm': 3.5, 'js gemm_wasm.ts': 0.25, '(garbage collector)': 0.125 });
  });
});
