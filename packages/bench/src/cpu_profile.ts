/**
 * The pure parts of `pnpm bench-profile` (profile.ts): GEMM FLOPs of a config, export names of a WebAssembly
 * binary, and self time per group of a V8 CPU profile.
 */
import { basename } from 'node:path';
import type { BenchConfig } from './configs.js';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** GEMM floating-point operations of one training step (forward and both gradients of each projection). */
export function gemmFlops(c: BenchConfig): number {
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  const D = c.bidirectional ? 2 : 1;
  let flops = 0;
  for (let l = 0; l < c.numLayers; l++) {
    const inSize = l === 0 ? c.E : D * c.H;
    flops += D * 6 * c.N * c.L * G * c.H * (inSize + c.H);
  }
  return flops;
}

/**
 * Function index → export name of a WebAssembly binary (its export section), so the profile can say `sgemm`
 * where V8 says `wasm-function[2]` (the kernels are built without a name section).
 */
export function wasmExportNames(bytes: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  let p = 8; // magic + version
  const uleb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (p < bytes.length) {
    const id = bytes[p++];
    const size = uleb();
    const end = p + size;
    if (id === 7) {
      const count = uleb();
      for (let i = 0; i < count; i++) {
        const len = uleb();
        const name = new TextDecoder().decode(bytes.subarray(p, p + len));
        p += len;
        const kind = bytes[p++];
        const index = uleb();
        if (kind === 0) names.set(index, name);
      }
    }
    p = end;
  }
  return names;
}

/**
 * The name a CPU-profile node's self time is grouped under: the exported WebAssembly kernel it runs in (internal
 * functions, such as sgemm's packing and micro-kernel loops, count for the exported kernel that called them), the
 * JavaScript file, or V8's own entries ((garbage collector), (program)).
 */
function groupOf(node: CpuProfileNode, parent: Map<number, CpuProfileNode>, wasmNames: Map<number, string>): string {
  const frame = node.callFrame;
  if (frame.url.startsWith('wasm://')) {
    for (let n: CpuProfileNode | undefined = node; n !== undefined && n.callFrame.url.startsWith('wasm://'); n = parent.get(n.id)) {
      const index = /^wasm-function\[(\d+)\]$/.exec(n.callFrame.functionName)?.[1];
      const exported = index === undefined ? undefined : wasmNames.get(Number(index));
      if (exported !== undefined) return `wasm ${exported}`;
    }
    return `wasm ${frame.functionName || '(anonymous)'}`;
  }
  if (frame.url === '') return frame.functionName; // (garbage collector), (program), (idle), (root), natives
  const file = basename(frame.url.replace(/^file:\/\//, ''));
  return frame.url.includes('/node_modules/') || frame.url.startsWith('node:') ? `runtime ${file}` : `js ${file}`;
}

/** Self time (ms) per group over the whole profile. */
export function selfTimes(profile: CpuProfile, wasmNames: Map<number, string>): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, CpuProfileNode>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    if (node === undefined) continue;
    const g = groupOf(node, parent, wasmNames);
    out.set(g, (out.get(g) ?? 0) + profile.timeDeltas[i] / 1000);
  }
  out.delete('(idle)');
  out.delete('(root)');
  return out;
}
