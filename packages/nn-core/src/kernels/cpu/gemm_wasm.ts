/**
 * The WebAssembly kernels module (source: assembly/*.ts, compiled by scripts/build-wasm.mjs at install time into
 * build/kernels.wasm): its loader, its memory (`reserve`) and its worker threads (`runJobs`); the sgemm's copies in and
 * out are sgemm_wasm.ts's.
 *
 * In Node, loading is synchronous and lazy (first float32 gemm big enough to use it). In a browser, where
 * modules cannot be read or compiled synchronously, `kernelsReady()` fetches the builds (URLs that bundlers
 * see: `new URL('…/build/kernels.wasm', import.meta.url)`) and compiles them asynchronously; importing the package
 * starts it, and until it resolves products run on the JavaScript kernels. The relaxed-SIMD build (fused
 * multiply-add) is preferred; where the engine rejects it, the plain-SIMD build serves, and without that (file
 * missing, no SIMD) every call stays on the JavaScript gemm. Node 20 accepts relaxed SIMD only behind a V8 flag,
 * which the loader sets at run time (before compiling) when it finds itself in Node; browsers (Chrome 114+) and
 * newer Node accept it as is. The environment variable `RECURRENT_KERNELS` picks a backend instead:
 * `wasm-simd` (the plain build), `js`, or `wasm-relaxed-simd` (the default).
 *
 * With more than one thread (`setNumThreads`, default one per core) and where shared memory and worker threads
 * exist, the shared-memory build is loaded instead, on a shared memory, and large products are split by rows
 * between the calling thread and the workers of wasm_threads.ts (same bits at every thread count).
 */
import { PLATFORM, readKernelBuild } from '#platform';
import { warn } from '../../warnings.js';
import { nodeWorkerCtor, SgemmPool, threadTesting, type PoolJob } from './wasm_threads.js';
import type * as Kernels from '../../../build/kernels.js';

/** Which kernel float32 `gemm` calls of more than a few thousand multiply-adds use. */
export type GemmBackend = 'wasm-relaxed-simd' | 'wasm-simd' | 'js';

/**
 * What the module exports (assembly/index.ts; offsets are in bytes), typed from their AssemblyScript sources:
 * `build/kernels.d.ts` is generated with the builds (scripts/build-wasm.mjs), so a kernel whose signature changes is
 * a type error at every call.
 */
export type KernelExports = typeof Kernels;

/** The part of the WebAssembly JS API used here (the global is not in this package's type libs). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => object;
}

/** The asynchronous part of the WebAssembly JS API, used where modules cannot be compiled synchronously. */
interface AsyncWasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ module: object; instance: { exports: unknown } }>;
  /** Compiles while the bytes arrive; needs a response served as `application/wasm` (absent in some engines). */
  instantiateStreaming?(response: Response, imports: object): Promise<{ module: object; instance: { exports: unknown } }>;
}

/** The loaded module: the sgemm work area at `work`, free for per-call data from `free` on. */
export interface Loaded {
  backend: GemmBackend;
  exports: KernelExports | null;
  work: number;
  free: number;
  view: Float32Array;
  /**
   * With more than one thread (shared build): the workers sharing the module's memory, started by `startPool` at
   * the first product big enough to split (a process that never has one starts none), and each worker's work area.
   */
  pool: SgemmPool | null;
  startPool: (() => SgemmPool) | null;
  poolWorks: number[];
  /**
   * The memory is shared (the shared-memory build, loaded wherever shared memory exists, at any thread count):
   * views of it stay valid when it grows, so tensors can keep their storage in it (wasm_heap.ts).
   */
  shared: boolean;
  /**
   * With the shared build: restarts the workers for `threads` in all (the same module and memory, so resident
   * storage stays where it is); false when the memory has no work areas for that many (then it is reloaded).
   */
  rethread: ((threads: number) => boolean) | null;
  /** Every `ArrayBuffer` the memory has had (one per size): a typed array over one of them lives in this memory. */
  buffers: WeakSet<object>;
  /** The resident heap's state (wasm_heap.ts), created at its first allocation. */
  heap: unknown;
}

let loaded: Loaded | null = null;
/** Kernel calls that keep operands in the module's memory across products (`duringKernelCall`). */
let callsInProgress = 0;
/** Threads asked for with `setNumThreads` (null: one per core). */
let requestedThreads: number | null = null;

const PAGE = 65536;
const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** The parts of Node's `process` used here, read without assuming the global exists (browsers have none). */
interface NodeProcess {
  env?: Record<string, string | undefined>;
  versions?: { node?: string };
  /** Node ≥ 20.16: a built-in module without a static `node:` import (this file also runs in browsers). */
  getBuiltinModule?: (id: string) => unknown;
}

const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

const BACKENDS: readonly GemmBackend[] = ['wasm-relaxed-simd', 'wasm-simd', 'js'];

/** The backend asked for with `RECURRENT_KERNELS` (default: the fastest the engine accepts). */
function requestedBackend(): GemmBackend {
  const v = nodeProcess()?.env?.RECURRENT_KERNELS;
  if (v === undefined || v === '') return 'wasm-relaxed-simd';
  if (!(BACKENDS as readonly string[]).includes(v)) {
    throw new RangeError(`RECURRENT_KERNELS must be one of ${BACKENDS.join(', ')}, got '${v}'`);
  }
  return v as GemmBackend;
}

/**
 * In Node, turns on V8's relaxed SIMD (needed on Node 20, where it is still behind a flag). Called only after the
 * engine has rejected the relaxed build, so engines that accept it as is are left alone; V8 applies the flag to
 * modules compiled afterwards.
 */
function enableRelaxedSimdInNode(): boolean {
  const proc = nodeProcess();
  if (proc?.versions?.node === undefined || typeof proc.getBuiltinModule !== 'function') return false;
  const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  if (typeof v8?.setFlagsFromString !== 'function') return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}

/** The compiled module in build/`file`, or null when missing or rejected by the engine. */
function compile(api: WasmApi, file: string): object | null {
  const bytes = readKernelBuild(file);
  if (bytes === null) return null; // not built (install scripts skipped), or a browser before kernelsReady()
  const relaxed = file.startsWith('kernels_relaxed');
  if (!api.validate(bytes) && !(relaxed && enableRelaxedSimdInNode() && api.validate(bytes))) {
    return null; // e.g. no relaxed SIMD in this engine
  }
  try {
    return new api.Module(bytes);
  } catch {
    return null; // compiling failed (out of memory, a restricted embedder): JavaScript serves
  }
}

function instantiate(api: WasmApi, module: object, imports: object): KernelExports | null {
  try {
    return new api.Instance(module, imports).exports as KernelExports;
  } catch {
    return null; // instantiating failed: the next candidate serves
  }
}

/** Shared memory is usable: SharedArrayBuffer exists and, in a browser page, the page is cross-origin isolated. */
function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/** One thread per core: Node's `os.availableParallelism()`, else `navigator.hardwareConcurrency`, else 1. */
function coreCount(): number {
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  const n = os?.availableParallelism?.() ?? os?.cpus?.().length ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(64, Math.floor(n)));
}

/** How long the calling thread waits for a worker's part of `work` multiply-adds: far beyond any real run. */
function workerTimeoutMs(work: number): number {
  return threadTesting.timeoutMs ?? 30_000 + work / 1e5;
}

/**
 * The shared-memory build on a new shared memory, with `threads − 1` workers; null where shared memory or worker
 * threads are unavailable (then the caller loads the one-thread build).
 */
function loadShared(api: WasmApi, backend: GemmBackend, threads: number): Loaded | null {
  const Worker = nodeWorkerCtor();
  if ((threads > 1 && Worker === null) || !sharedMemoryAvailable()) return null;
  const module = compile(api, backend === 'wasm-relaxed-simd' ? 'kernels_relaxed_shared.wasm' : 'kernels_shared.wasm');
  if (module === null) return null;
  let memory: object;
  try {
    memory = new api.Memory({ initial: 2, maximum: 65536, shared: true });
  } catch {
    return null;
  }
  const exports = instantiate(api, module, { env: { memory } });
  if (exports === null) return null;
  const work = align(exports.heapBase(), 64);
  const workSize = align(exports.workBytes(), 64);
  const mainEnd = align(work + Math.max(exports.workBytes(), exports.cellScratchBytes()), 64);
  // work areas for as many workers as cores (at least as asked for), so that `setNumThreads` up to that many keeps
  // this memory and what lives in it
  const areas = Worker === null ? 0 : Math.max(threads, Math.min(coreCount(), 16)) - 1;
  const free = mainEnd + areas * workSize;
  const buffers = new WeakSet<object>([exports.memory.buffer]);
  const m: Loaded = {
    backend, exports, work, free, view: new Float32Array(exports.memory.buffer), pool: null, startPool: null, poolWorks: [],
    shared: true, rethread: null, buffers, heap: null,
  };
  m.rethread = (n: number): boolean => {
    if (n - 1 > areas) return false;
    m.pool?.close();
    m.pool = null;
    m.poolWorks = Array.from({ length: n - 1 }, (_, w) => mainEnd + w * workSize);
    m.startPool = Worker === null || n === 1 ? null : (): SgemmPool => new SgemmPool(Worker, module, memory, n - 1, workerTimeoutMs);
    return true;
  };
  m.rethread(threads);
  return m;
}

let fallbackWarned = false;

/**
 * Warns once per process (through `warn`, see warnings.ts) that float32 products and recurrent steps fell back to
 * JavaScript although WebAssembly was not opted out of (`RECURRENT_KERNELS=js` chooses JavaScript silently).
 */
function warnJsFallback(reason: string): void {
  if (fallbackWarned) return;
  fallbackWarned = true;
  warn(
    `WebAssembly kernels unavailable (${reason}): float32 products and recurrent steps run in JavaScript, several ` +
      'times slower. `pnpm install` builds them (packages/nn-core/build/); RECURRENT_KERNELS=js chooses JavaScript without this warning.',
  );
}

function load(): Loaded {
  const none: Loaded = {
    backend: 'js', exports: null, work: 0, free: 0, view: new Float32Array(0), pool: null, startPool: null, poolWorks: [], shared: false, rethread: null, buffers: new WeakSet(), heap: null,
  };
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const want = requestedBackend();
  if (want === 'js') return none;
  if (api === undefined) {
    warnJsFallback('this engine has no WebAssembly');
    return none;
  }
  const threads = requestedThreads ?? coreCount();
  const candidates: [GemmBackend, string][] = [['wasm-relaxed-simd', 'kernels_relaxed.wasm'], ['wasm-simd', 'kernels.wasm']];
  for (const [backend, file] of candidates) {
    if (want === 'wasm-simd' && backend === 'wasm-relaxed-simd') continue;
    // the shared-memory build wherever shared memory exists, even on one thread: its views survive growth
    const shared = loadShared(api, backend, threads);
    if (shared !== null) return shared;
    // A build prepared by kernelsReady() (browsers), else compiled now from the package's build/ (Node).
    const module = prepared.has(file) ? null : compile(api, file);
    const exports = prepared.get(file) ?? (module === null ? null : instantiate(api, module, {}));
    if (exports === null) continue;
    const work = align(exports.heapBase(), 64);
    const free = align(work + Math.max(exports.workBytes(), exports.cellScratchBytes()), 64);
    const buffers = new WeakSet<object>([exports.memory.buffer]);
    return { backend, exports, work, free, view: new Float32Array(exports.memory.buffer), pool: null, startPool: null, poolWorks: [], shared: false, rethread: null, buffers, heap: null };
  }
  // In a browser nothing is loaded before kernelsReady() has fetched the builds: only its outcome is a fallback.
  if (PLATFORM !== 'browser') warnJsFallback(`build/${candidates.map(([, f]) => f).join(', ')} missing or rejected by this engine`);
  return none;
}

/** Modules compiled and instantiated ahead by `kernelsReady` (one-thread builds), by file name. */
const prepared = new Map<string, KernelExports>();
let readiness: Promise<GemmBackend> | null = null;

/** The one-thread builds, fastest first, as literal module-relative URLs so that bundlers emit the files. */
function buildUrls(): [string, URL][] {
  return [
    ['kernels_relaxed.wasm', new URL('../../../build/kernels_relaxed.wasm', import.meta.url)],
    ['kernels.wasm', new URL('../../../build/kernels.wasm', import.meta.url)],
  ];
}

/**
 * Resolves, with the backend in use, once the fastest kernels this engine accepts are loaded. In Node that is at
 * once (they load synchronously from the package's build/). In a browser the builds are fetched and compiled
 * asynchronously (importing the package starts this); until then float32 products run on the JavaScript kernels,
 * which give the same results up to float32 rounding, more slowly. Await it before timing anything. Never
 * rejects: a build that cannot be fetched or compiled leaves the next one, or JavaScript, in use.
 */
export function kernelsReady(): Promise<GemmBackend> {
  readiness ??= prepareKernels();
  return readiness;
}

async function prepareKernels(): Promise<GemmBackend> {
  const now = wasmKernels();
  const api = (globalThis as { WebAssembly?: WasmApi & AsyncWasmApi }).WebAssembly;
  if (now.backend !== 'js' || requestedBackend() === 'js' || api === undefined) return now.backend;
  if (typeof fetch !== 'function') {
    warnJsFallback('no fetch() to load the builds with');
    return now.backend;
  }
  // Builds are fetched one at a time, fastest first, and only until one compiles: an engine that accepts the
  // relaxed build (every current browser) downloads nothing else.
  for (const [file, url] of buildUrls()) {
    if (requestedBackend() === 'wasm-simd' && file === 'kernels_relaxed.wasm') continue;
    try {
      const exports = await fetchAndInstantiate(api, url);
      if (exports === null) continue;
      prepared.set(file, exports);
      break;
    } catch {
      // not served, or not compiled here: the next build (or JavaScript) serves
    }
  }
  // No kernel call is running (they are synchronous), so the next product simply loads the prepared module.
  loaded = null;
  const backend = wasmKernels().backend;
  if (backend === 'js') warnJsFallback('the builds could not be fetched or compiled');
  return backend;
}

/**
 * The exports of the build at `url`, or null when it is not served or this engine rejects it. Compiled while it
 * downloads where the engine can and the server says `application/wasm` (streaming compilation refuses any other
 * type), else from the whole body.
 */
async function fetchAndInstantiate(api: WasmApi & AsyncWasmApi, url: URL): Promise<KernelExports | null> {
  const res = await fetch(url);
  if (!res.ok) return null;
  const type = res.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
  if (type === 'application/wasm' && typeof api.instantiateStreaming === 'function') {
    return (await api.instantiateStreaming(res, {})).instance.exports as KernelExports;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!api.validate(bytes)) return null; // e.g. an engine without relaxed SIMD
  return (await api.instantiate(bytes, {})).instance.exports as KernelExports;
}

// Browsers cannot load the kernels synchronously: start fetching them as soon as the package is imported.
if (PLATFORM === 'browser') void kernelsReady();

/**
 * Sets how many threads large float32 products use: the calling thread plus n − 1 workers on the kernels' shared
 * memory (like `torch.set_num_threads`; default: one per core). Results are bit-identical for every n. Takes effect
 * at the next product. Where shared memory or worker threads are unavailable (a browser page that is not
 * cross-origin isolated, a browser at all for now), products stay on one thread: `getNumThreads()` says how many
 * are in use.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`setNumThreads: n must be an integer from 1 to 64, got ${n}`);
  if (callsInProgress > 0) throw new Error('setNumThreads: cannot change threads inside a kernel call');
  if (n === requestedThreads) return;
  requestedThreads = n;
  if (loaded?.rethread?.(n)) return; // same module and memory: resident storage stays where it is
  loaded?.pool?.close();
  loaded = null; // reloaded at the next product, with the requested threads
}

/** Threads float32 products are split across: 1 plus the workers (started at the first product to split). */
export function getNumThreads(): number {
  loaded ??= load();
  return loaded.startPool === null ? 1 : loaded.poolWorks.length + 1;
}

/**
 * The worker pool, started now if it is due and not running yet; null with one thread, or where workers cannot
 * start (then products stay on the calling thread from now on).
 */
export function currentPool(): SgemmPool | null {
  loaded ??= load();
  const m = loaded;
  if (m.pool === null && m.startPool !== null) {
    try {
      m.pool = m.startPool();
    } catch {
      m.startPool = null; // worker threads cannot start here: one thread, no error
    }
  }
  return m.pool;
}

/**
 * The backend float32 `gemm` and the float32 recurrent cell steps use on this machine: 'wasm-relaxed-simd' (the
 * default where the engine accepts relaxed SIMD), 'wasm-simd' (where it does not, or `RECURRENT_KERNELS=wasm-simd`),
 * or 'js' (module not built, no WebAssembly SIMD, or `RECURRENT_KERNELS=js`).
 */
export function gemmBackend(): GemmBackend {
  loaded ??= load();
  return loaded.backend;
}

/** The kernels module, loaded at first use (backend 'js' and no exports when unavailable or opted out). */
export function wasmKernels(): Loaded {
  loaded ??= load();
  return loaded;
}

/**
 * Grows the module memory to at least `bytes` and returns a current view of it, or null when it cannot grow
 * that far (32-bit memory ends at 4 GiB): the caller then falls back to JavaScript. Memory is never shrunk.
 */
export function reserve(m: Loaded, ex: KernelExports, bytes: number): Float32Array | null {
  const have = ex.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      ex.memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return null;
    }
  }
  // (a shared memory's `buffer` is a new object after growing, and the old one keeps its length)
  if (m.view.byteLength !== ex.memory.buffer.byteLength) {
    m.view = new Float32Array(ex.memory.buffer);
    m.buffers.add(ex.memory.buffer);
  }
  return m.view;
}

/** True inside `duringKernelCall`: per-call regions may be live, so the resident heap must not move them. */
export function inKernelCall(): boolean {
  return callsInProgress > 0;
}

/** Runs `fn` as one kernel call that keeps data in the module's memory: threads cannot change meanwhile. */
export function duringKernelCall<T>(fn: () => T): T {
  callsInProgress++;
  try {
    return fn();
  } finally {
    callsInProgress--;
  }
}

/**
 * Runs `jobs` (kernel calls on the module's memory) at once: jobs[0] on the calling thread, the others on the
 * workers, or all on the calling thread in turn when there is one job or no pool. True when workers took part.
 * A failed worker is thrown as an error; the next kernel call then starts on a new memory, on one thread.
 */
export function runJobs(jobs: readonly PoolJob[], runLocal: (job: PoolJob) => void): boolean {
  const pool = jobs.length > 1 ? currentPool() : null;
  if (pool === null) {
    jobs.forEach(runLocal);
    return false;
  }
  try {
    pool.runJobs(jobs, runLocal);
  } catch (e) {
    // a worker may still be writing into this memory: the next product starts on a new one, on one thread
    loaded = null;
    requestedThreads = 1;
    throw e;
  }
  return true;
}
