import { Tensor } from './autograd/tensor.js';
import { allocate, getDefaultDtype, type DType, type TypedArray } from './dtype.js';
import { checkShape, fmtShape, numel, ShapeError, type Shape } from './shape.js';
import { defaultGenerator, type Generator } from './random.js';
import type { NestedArray } from './autograd/tensor.js';

export interface CreateOptions {
  /** Element type; defaults to the default float dtype (float32), or to the typed array's own type. */
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends CreateOptions {
  /** Defaults to the global generator seeded by `manualSeed`. */
  generator?: Generator;
}

/**
 * A tensor from a number, nested arrays, or a typed array (with an explicit `shape`).
 *
 * Parity note: JavaScript cannot tell `1` from `1.0`, so integer-looking data is float unless
 * `dtype: 'int32'` is given or the data is an `Int32Array` (PyTorch would infer int64).
 */
export function tensor(data: NestedArray | TypedArray | readonly number[], shape?: Shape, options: CreateOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    const dtype = options.dtype ?? dtypeFromArray(typed);
    const s = shape ?? [typed.length];
    checkShape(s, 'tensor');
    if (numel(s) !== typed.length) {
      throw new ShapeError(`tensor: ${typed.length} values do not fill shape ${fmtShape(s)} (${numel(s)} elements)`);
    }
    const out = allocate(dtype, typed.length);
    out.set(typed);
    return new Tensor(out, s, { requiresGrad: options.requiresGrad });
  }
  const inferred = inferShape(data as NestedArray);
  const flat: number[] = [];
  flatten(data as NestedArray, inferred, 0, flat);
  const s = shape ?? inferred;
  checkShape(s, 'tensor');
  if (numel(s) !== flat.length) {
    throw new ShapeError(`tensor: ${flat.length} values do not fill shape ${fmtShape(s)} (${numel(s)} elements)`);
  }
  const dtype = options.dtype ?? getDefaultDtype();
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') throw new TypeError(`tensor: element ${i} is ${typeof v}, expected a number`);
    if (dtype === 'int32' && !Number.isInteger(v)) {
      throw new TypeError(`tensor: element ${i} is ${v}, expected an integer for dtype int32`);
    }
    out[i] = v;
  }
  return new Tensor(out, s, { requiresGrad: options.requiresGrad });
}

function dtypeFromArray(a: TypedArray): DType {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Float32Array) return 'float32';
  throw new TypeError('tensor: typed array must be Float32Array, Float64Array or Int32Array');
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flatten(data: NestedArray, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) throw new ShapeError(`tensor: nested arrays are ragged (too deep at dim ${dim})`);
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    const got = Array.isArray(data) ? `${data.length} elements` : 'a number';
    throw new ShapeError(`tensor: nested arrays are ragged: dim ${dim} has ${got}, expected ${shape[dim]}`);
  }
  for (const e of data) flatten(e, shape, dim + 1, out);
}

/** A tensor filled with `value`. */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  checkShape(shape, 'full');
  const data = allocate(options.dtype ?? getDefaultDtype(), numel(shape));
  // New typed arrays are zeros already; not writing them leaves their memory untouched until used (no page faults
  // for a parameter that a loaded state dict replaces). Object.is keeps −0, which needs writing.
  if (!Object.is(value, 0)) data.fill(value);
  return new Tensor(data, shape, { requiresGrad: options.requiresGrad });
}

export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

/**
 * Values `start, start + step, …` below `end` (PyTorch: `torch.arange`). With one argument: `0 … end-1`.
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a finite non-zero number, got ${step}`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const data = allocate(options.dtype ?? getDefaultDtype(), n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return new Tensor(data, [n], { requiresGrad: options.requiresGrad });
}

/** Uniform samples in [0, 1). */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape(shape, 'rand');
  const g = options.generator ?? defaultGenerator;
  const data = allocate(floatDtype(options.dtype, 'rand'), numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.random();
  return new Tensor(data, shape, { requiresGrad: options.requiresGrad });
}

/** Standard normal samples. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape(shape, 'randn');
  const g = options.generator ?? defaultGenerator;
  const data = allocate(floatDtype(options.dtype, 'randn'), numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return new Tensor(data, shape, { requiresGrad: options.requiresGrad });
}

/** Uniform integers in [low, high) (PyTorch: `torch.randint(low, high, size)`); int32 by default. */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  checkShape(shape, 'randint');
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new RangeError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const g = options.generator ?? defaultGenerator;
  const data = allocate(options.dtype ?? 'int32', numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = g.randint(low, high);
  return new Tensor(data, shape, { requiresGrad: options.requiresGrad });
}

function floatDtype(dtype: DType | undefined, what: string): 'float32' | 'float64' {
  const d = dtype ?? getDefaultDtype();
  if (d === 'int32') throw new TypeError(`${what}: dtype must be float32 or float64, got int32`);
  return d;
}
