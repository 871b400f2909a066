import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { Tensor } from '../../autograd/tensor.js';
import { sum } from '../../ops/reduce.js';
import { Linear } from '../../nn/linear.js';
import { GRU, LSTM } from '../../nn/rnn/rnn.js';
import { AdamW } from '../../optim/adamw.js';
import type { AdamScalars } from './adam.js';
import { adamUpdateWasm } from './adam_wasm.js';
import { duringKernelCall, gemmBackend, getNumThreads, reserve, setNumThreads, wasmKernels } from './gemm_wasm.js';
import { sgemmWasm } from './sgemm_wasm.js';
import { HEAP_MAX_BYTES, heapStats, isResident, residentOffset, residentZeros } from './wasm_heap.js';

setFlagsFromString('--expose-gc');
/** A full garbage collection (the flag above exposes `gc` to contexts created from now on). */
const collect = runInNewContext('gc') as () => void;

/** Collects garbage, then lets the finalizers (tasks after the collection) run. */
async function collectAndFinalize(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 0));
  }
}

const random = (gen: Generator, n: number): Float32Array => Float32Array.from({ length: n }, () => gen.normal());

afterAll(() => setNumThreads(1));

describe('resident float32 storage (kernels memory)', () => {
  it('runs here: Node loads the kernels on a shared memory at any thread count', () => {
    setNumThreads(1);
    expect(gemmBackend()).not.toBe('js');
    expect(wasmKernels().shared).toBe(true);
  });

  it('hands out zeroed blocks in the heap, 64-byte aligned, and recognizes them (and only them)', () => {
    const a = residentZeros(1000)!;
    expect(a).not.toBeNull();
    expect(a.length).toBe(1000);
    expect(a.every((v) => v === 0)).toBe(true);
    expect(residentOffset(a) % 64).toBe(0);
    expect(residentOffset(a.subarray(10, 20))).toBe(residentOffset(a) + 40);
    expect(isResident(a)).toBe(true);
    expect(isResident(new Float32Array(1000))).toBe(false);
    // a view of the per-call regions (after the heap) is not resident: a call lays its own regions over it
    const m = wasmKernels();
    const scratch = reserve(m, m.exports!, m.free + 4096)!.subarray(m.free >> 2, (m.free >> 2) + 16);
    expect(residentOffset(scratch)).toBe(-1);
  });

  it('keeps its arrays valid when the memory grows (shared memory: views survive)', () => {
    const a = residentZeros(4096)!;
    a.set(Float32Array.from({ length: 4096 }, (_, i) => i * 0.5));
    const before = wasmKernels().exports!.memory.buffer.byteLength;
    const big = residentZeros(16 << 20)!; // 64 MB more
    expect(wasmKernels().exports!.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(a.length).toBe(4096);
    expect(a[4095]).toBe(2047.5);
    expect(residentOffset(a)).toBeGreaterThan(0);
    expect(big[big.length - 1]).toBe(0);
  });

  it('gives nothing inside a kernel call (its regions would move) and nothing past HEAP_MAX_BYTES', () => {
    expect(duringKernelCall(() => residentZeros(16))).toBeNull();
    expect(residentZeros(HEAP_MAX_BYTES / 4 + 1)).toBeNull();
  });

  it('reclaims blocks whose arrays were collected, and reuses them: 200 rounds of 4 MB need at most 20 blocks', async () => {
    await collectAndFinalize();
    const start = heapStats();
    for (let round = 0; round < 200; round++) {
      residentZeros(1 << 20)![0] = round; // 4 MB, dropped at once
      if (round % 20 === 19) await collectAndFinalize();
    }
    await collectAndFinalize();
    const end = heapStats();
    expect(end.used).toBe(start.used);
    // without reclaiming, 200 × 4 MB = 800 MB; with it, at most the 20 blocks between collections
    expect(end.size - start.size).toBeLessThanOrEqual(20 * 4 * 2 ** 20);
  });

  it('sgemm reads resident operands and writes a resident C in place: the bits of the copying path', () => {
    const gen = new Generator(3);
    const [M, N, K] = [37, 45, 29];
    const A = random(gen, M * K);
    const B = random(gen, N * K);
    const C0 = random(gen, M * N);
    const [rA, rB, rC] = [residentZeros(M * K)!, residentZeros(N * K)!, residentZeros(M * N)!];
    rA.set(A);
    rB.set(B);
    rC.set(C0);
    const C = C0.slice();
    expect(sgemmWasm(false, true, M, N, K, 1, A, B, 1, C, K, K, N)).toBe(true);
    expect(sgemmWasm(false, true, M, N, K, 1, rA, rB, 1, rC, K, K, N)).toBe(true);
    expect(rC).toEqual(C);
  });

  it('Adam updates resident parameters, gradients and moments in place: the bits of the copying path', () => {
    const gen = new Generator(5);
    const n = 70_001;
    const s: AdamScalars = { b1: 0.9, b2: 0.999, ob1: 0.1, ob2: 0.001, wd: 0, eps: 1e-8, bc2Sqrt: Math.sqrt(0.001), negStep: -1e-3, decoupled: true, decay: 0.99, maximize: false };
    const plain = [random(gen, n), random(gen, n), new Float32Array(n), new Float32Array(n)] as const;
    const resident = plain.map((a) => {
      const r = residentZeros(n)!;
      r.set(a);
      return r;
    });
    expect(adamUpdateWasm(...plain, s)).toBe(true);
    expect(adamUpdateWasm(resident[0], resident[1], resident[2], resident[3], s)).toBe(true);
    resident.forEach((r, i) => expect(r).toEqual(plain[i]));
  });

  it("modules' parameters, their gradients and AdamW's moments are resident; training gives the bits of plain storage", () => {
    const run = (resident: boolean): Float32Array[] => {
      const gen = new Generator(9);
      // big enough for the layer's forward and backward and Adam's update to run in the kernels
      const gru = new GRU(16, 32, { bidirectional: true });
      const fc = new Linear(64, 3);
      const params = [...gru.parameters(), ...fc.parameters()];
      params.forEach((p, i) => {
        const values = random(gen, p.numel()).map((v) => v * 0.3 + i * 1e-3);
        if (resident) p.data.set(values);
        else p.data = values; // plain JavaScript storage
      });
      expect(params.every((p) => isResident(p.data))).toBe(resident);
      const opt = new AdamW(params, { lr: 0.01 });
      const x = new Tensor(random(gen, 6 * 8 * 16), [6, 8, 16]); // (L, N, E)
      for (let step = 0; step < 3; step++) {
        opt.zeroGrad();
        const [out] = gru.forward(x);
        sum(fc.forward(out)).backward();
        opt.step();
      }
      expect(params.every((p) => isResident(p.grad!.data))).toBe(resident);
      return params.map((p) => Float32Array.from(p.data));
    };
    expect(run(true)).toEqual(run(false));
  });

  it("a recurrent layer's saved activations are resident until its backward pass gives them back (not with retainGraph)", async () => {
    const gen = new Generator(4);
    const lstm = new LSTM(24, 40); // (L, N) = (7, 16): forward and backward run in the kernels
    lstm.parameters().forEach((p) => p.data.set(random(gen, p.numel()).map((v) => v * 0.2)));
    const x = new Tensor(random(gen, 7 * 16 * 24), [7, 16, 24]);
    const grads = (): Float32Array[] => lstm.parameters().map((p) => Float32Array.from(p.grad!.data));
    // first pass: gradients, optimizer-free, allocate their resident storage
    sum(lstm.forward(x)[0]).backward();
    await collectAndFinalize();
    const before = heapStats().used;
    lstm.zeroGrad();
    const loss = sum(lstm.forward(x)[0]);
    // acts (L, N, 4H), cs (L, N, H) and hs with h0 beside it (L + 1, N, H), in bytes
    const saved = (7 * 16 * 4 * 40 + 7 * 16 * 40 + 8 * 16 * 40) * 4;
    expect(heapStats().used - before).toBe(saved);
    loss.backward(undefined, { retainGraph: true });
    expect(heapStats().used - before).toBe(saved); // kept: the graph may run again
    const once = grads();
    loss.backward();
    expect(heapStats().used).toBe(before); // given back as soon as the graph is freed
    // the second pass read the same saved activations: gradients exactly doubled
    grads().forEach((g, i) => expect(g).toEqual(once[i].map((v) => v * 2)));
  });

  it('a graph dropped without backward gives its saved activations back when collected', async () => {
    const gru = new GRU(24, 40);
    await collectAndFinalize();
    const before = heapStats().used;
    for (let i = 0; i < 5; i++) sum(gru.forward(new Tensor(new Float32Array(7 * 16 * 24).fill(0.1), [7, 16, 24]))[0]);
    expect(heapStats().used).toBeGreaterThan(before);
    await collectAndFinalize();
    expect(heapStats().used).toBe(before);
  });

  it('setNumThreads up to the number of cores keeps the memory: parameters made before stay resident, with their values', () => {
    setNumThreads(1);
    const fc = new Linear(8, 4);
    fc.weight.data.set(Float32Array.from({ length: 32 }, (_, i) => i));
    const threads = Math.min(availableParallelism(), 16);
    for (const n of [threads, 1, threads]) {
      setNumThreads(n);
      expect(getNumThreads()).toBe(n);
      expect(isResident(fc.weight.data)).toBe(true);
    }
    expect(fc.weight.data[31]).toBe(31);
    // more threads than cores: a new memory, where the old storage is an ordinary (copied) array
    setNumThreads(threads + 1);
    expect(isResident(fc.weight.data)).toBe(false);
    expect(fc.weight.data[31]).toBe(31);
    setNumThreads(1);
  });

  it("an optimizer's loaded state lives beside resident parameters, with the saved values", () => {
    const fc = new Linear(300, 8); // 2,400 weights: Adam's kernel path
    const opt = new AdamW(fc.parameters(), { lr: 0.01 });
    sum(fc.forward(new Tensor(new Float32Array(300).fill(0.5), [1, 300]))).backward();
    opt.step();
    const saved = opt.stateDict();
    const again = new AdamW(fc.parameters(), { lr: 0.01 });
    again.loadStateDict(saved);
    const state = again.state.get(fc.weight)!;
    const m = (state.exp_avg as Tensor).data;
    expect(isResident(m)).toBe(true);
    expect(Array.from(m)).toEqual(Array.from((opt.state.get(fc.weight)!.exp_avg as Tensor).data));
  });

  it('loadStateDict with assign keeps resident storage and copies the values into it', () => {
    const fc = new Linear(4, 2);
    const w = fc.weight.data;
    const values = Float32Array.from({ length: 8 }, (_, i) => i + 0.25);
    fc.loadStateDict({ weight: new Tensor(values, [2, 4]), bias: new Tensor(new Float32Array([1, 2]), [2]) }, { assign: true });
    expect(fc.weight.data).toBe(w);
    expect(isResident(fc.weight.data)).toBe(true);
    expect(Array.from(fc.weight.data)).toEqual(Array.from(values));
  });
});
