/**
 * Float32 storage that lives in the kernels' memory ("resident"): a kernel reads and writes such an array where it
 * is, with no copy in or out. Parameters, their gradients and optimizer state use it, so a recurrent layer's weights
 * are not copied into the module at every call and Adam updates the parameters and moments in place.
 *
 * The memory holds, in this order: static data and the sgemm work areas, then this heap, then the per-call regions
 * of the kernels (from `free` on, reused by every call). The heap grows by moving `free` up, which is allowed only
 * between kernel calls (`inKernelCall`); inside one, or where the memory is not shared, allocation returns null and
 * the caller keeps its storage in JavaScript memory (correct, only slower: kernels then copy it in).
 *
 * Only a shared memory qualifies: its views stay valid when it grows (a non-shared memory's `buffer` is detached
 * by growing, which would empty every view). In Node the module is always loaded on a shared memory; in a browser
 * page that is not cross-origin isolated, nothing is resident.
 *
 * Reclaiming is automatic: a block returns to the heap once its array (the `Float32Array` view handed out) has been
 * garbage-collected (a `FinalizationRegistry`). A `subarray` of it does not keep it alive: code that keeps a
 * subarray must keep the array too (as a tensor does by holding its `data`). Blocks are reused first-fit with
 * neighbours merged; the heap never exceeds `HEAP_MAX_BYTES`, beyond which storage stays in JavaScript memory.
 */
import { inKernelCall, reserve, wasmKernels, type Loaded } from './gemm_wasm.js';

/** Largest heap (bytes): past it, new storage stays in JavaScript memory. */
export const HEAP_MAX_BYTES = 1 << 30;

const ALIGN = 64;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** The heap of one module instance: [start, end) of its memory, and the free blocks in it. */
interface Heap {
  owner: Loaded;
  start: number;
  end: number;
  /** Free blocks, sorted by offset, never adjacent (merged on release). */
  free: { at: number; bytes: number }[];
  /** Bytes handed out and not yet released (read by tests). */
  used: number;
}

/** What the finalizer needs to give a block back (the heap it came from: a replaced module's heap is dropped). */
interface Block {
  heap: Heap;
  at: number;
  bytes: number;
}

const registry = new FinalizationRegistry<Block>((b) => release(b));
/** The block behind each array handed out (for `releaseResident`). */
const blocks = new WeakMap<Float32Array, Block>();

/**
 * Past this many bytes in use, short-lived storage (`residentZeros(n, true)`: what a graph saves for its backward
 * pass) is refused: it is given back explicitly once backward has used it, but a graph that is dropped without
 * backward only gives it back when collected, which a synchronous loop may not allow for a while.
 */
export const HEAP_TRANSIENT_BYTES = 1 << 28;

function heapOf(m: Loaded): Heap {
  if (m.heap === null) m.heap = { owner: m, start: m.free, end: m.free, free: [], used: 0 } satisfies Heap;
  return m.heap as Heap;
}

/**
 * `n` float32 zeros in the kernels' memory, or null where that is not possible (no module, memory not shared, in
 * the middle of a kernel call, heap full): the caller then allocates a plain `Float32Array`. `transient`: storage
 * for a short while, refused past `HEAP_TRANSIENT_BYTES` in use.
 */
export function residentZeros(n: number, transient = false): Float32Array | null {
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null || !m.shared || inKernelCall() || !(Number.isInteger(n) && n >= 0)) return null;
  const heap = heapOf(m);
  const bytes = align(Math.max(n, 1) * 4);
  if (transient && heap.used + bytes > HEAP_TRANSIENT_BYTES) return null;
  let at = takeFree(heap, bytes);
  if (at < 0) {
    if (heap.end - heap.start + bytes > HEAP_MAX_BYTES) return null;
    // the per-call regions move up past the new block (none is live between kernel calls)
    at = heap.end;
    if (reserve(m, ex, Math.max(m.free, at + bytes)) === null) return null;
    heap.end = at + bytes;
    m.free = Math.max(m.free, heap.end);
  }
  const view = new Float32Array(ex.memory.buffer, at, n);
  view.fill(0); // a reused block, or per-call scratch before the heap grew over it
  heap.used += bytes;
  const block = { heap, at, bytes };
  registry.register(view, block, view);
  blocks.set(view, block);
  return view;
}

/**
 * Gives `a`'s block back now instead of when `a` is collected: for storage its owner knows to be dead (what a graph
 * saved, once backward has used it). Nothing may use `a` afterwards. Arrays not from `residentZeros` are ignored.
 */
export function releaseResident(a: Float32Array): void {
  const block = blocks.get(a);
  if (block === undefined) return;
  blocks.delete(a);
  registry.unregister(a);
  release(block);
}

/** Arrays from `residentScratch`: storage the autograd engine gives back once it has used it. */
const scratch = new WeakSet<Float32Array>();

/**
 * `n` float32 zeros in the kernels' memory for a gradient that backward hands to the autograd engine, which gives
 * it back (`releaseScratch`) once the op it flows into has used it (a kernel writes a gradient straight into it,
 * with no copy into JavaScript memory); null where `residentZeros` would be (the caller then makes a plain array).
 */
export function residentScratch(n: number): Float32Array | null {
  const a = residentZeros(n, true);
  if (a !== null) scratch.add(a);
  return a;
}

/** Whether `a` is an array from `residentScratch` not given back yet. */
export function isScratch(a: unknown): a is Float32Array {
  return a instanceof Float32Array && scratch.has(a);
}

/** Gives a `residentScratch` array back; nothing may use it afterwards. Other arrays are ignored. */
export function releaseScratch(a: Float32Array): void {
  if (!scratch.delete(a)) return;
  releaseResident(a);
}

/** Whether two views share any byte of one buffer. */
export function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** First fit: the offset of a free block of at least `bytes` (split), or −1. */
function takeFree(heap: Heap, bytes: number): number {
  const i = heap.free.findIndex((b) => b.bytes >= bytes);
  if (i < 0) return -1;
  const b = heap.free[i];
  const at = b.at;
  if (b.bytes === bytes) heap.free.splice(i, 1);
  else heap.free[i] = { at: at + bytes, bytes: b.bytes - bytes };
  return at;
}

/** Gives a block back, merged with free neighbours; a block at the end of the heap shrinks the heap instead. */
function release(b: Block): void {
  const heap = b.heap;
  heap.used -= b.bytes;
  if (heap.owner !== wasmKernels()) return; // the module was replaced: its memory is gone with it
  const list = heap.free;
  let i = list.findIndex((f) => f.at > b.at);
  if (i < 0) i = list.length;
  let at = b.at;
  let bytes = b.bytes;
  const prev = list[i - 1];
  if (prev !== undefined && prev.at + prev.bytes === at) {
    at = prev.at;
    bytes += prev.bytes;
    list.splice(--i, 1);
  }
  const next = list[i];
  if (next !== undefined && at + bytes === next.at) {
    bytes += next.bytes;
    list.splice(i, 1);
  }
  if (at + bytes === heap.end) {
    // the last block: the heap ends before it, and the per-call regions start there again (finalizers never run
    // inside a kernel call, which is synchronous)
    heap.end = at;
    heap.owner.free = at;
    return;
  }
  list.splice(i, 0, { at, bytes });
}

/**
 * Byte offset of `a` in the current module's memory when it is (part of) resident storage, else −1: kernels use it
 * in place instead of copying it in. Views of the per-call regions do not count (a call lays out its own regions
 * there, over them).
 */
export function residentOffset(a: ArrayBufferView): number {
  const m = wasmKernels();
  const h = m.heap as Heap | null;
  if (h === null || !m.buffers.has(a.buffer)) return -1;
  const at = a.byteOffset;
  return at >= h.start && at + a.byteLength <= h.end ? at : -1;
}

/**
 * `residentOffset` of the first `n` floats of `a` (−1 when `a` is not float32, shorter, or not resident), without
 * making a view of them: for the per-call checks of inference, where a `subarray` each costs more than the check.
 */
export function residentPrefix(a: ArrayLike<number>, n: number): number {
  const m = wasmKernels();
  const h = m.heap as Heap | null;
  if (h === null || !(a instanceof Float32Array) || a.length < n || !m.buffers.has(a.buffer)) return -1;
  const at = a.byteOffset;
  return at >= h.start && at + n * 4 <= h.end ? at : -1;
}

/** True when `a` is float32 storage in the current module's memory (see `residentOffset`). */
export function isResident(a: unknown): a is Float32Array {
  return a instanceof Float32Array && residentOffset(a) >= 0;
}

/** The heap's figures, for tests: bytes in use, its extent, and its free blocks. */
export function heapStats(): { used: number; size: number; freeBlocks: number } {
  const h = wasmKernels().heap as Heap | null;
  return h === null ? { used: 0, size: 0, freeBlocks: 0 } : { used: h.used, size: h.end - h.start, freeBlocks: h.free.length };
}

/**
 * `n` zeros stored where `like` is: resident float32 when `like` is resident storage (a parameter's gradient or
 * optimizer state next to the parameter), else a plain typed array of `like`'s type.
 */
export function zerosBeside(like: Float32Array | Float64Array | Int32Array, n: number): Float32Array | Float64Array | Int32Array {
  if (like instanceof Float32Array && residentOffset(like) >= 0) {
    const r = residentZeros(n);
    if (r !== null) return r;
  }
  return new (like.constructor as new (n: number) => Float32Array | Float64Array | Int32Array)(n);
}
