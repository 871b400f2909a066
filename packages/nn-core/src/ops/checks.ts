/**
 * Argument checks shared by several ops (each names the op in its message), so that no op borrows another's.
 */
import { Tensor } from '../autograd/tensor.js';
import { allocate, isFloatDtype, type DType, type FloatArray } from '../dtype.js';
import { normalizeDim } from '../shape.js';

/** The float storage of `x`, or a TypeError naming the op and what it got. */
export function floatData(what: string, x: unknown): FloatArray {
  if (!(x instanceof Tensor)) throw new TypeError(`${what}: expected a tensor, got ${typeof x}`);
  if (!isFloatDtype(x.dtype)) throw new TypeError(`${what}: expected a float32 or float64 tensor, got ${x.dtype}`);
  return x.data as FloatArray;
}

/** `x` viewed as `(outer, R, inner)` with `dim` in the middle, after checking `x` and `dim`. */
export function dimLayout(what: string, x: Tensor, dim: number): [number, number, number] {
  floatData(what, x);
  if (typeof dim !== 'number') throw new TypeError(`${what}: dim must be a number, got ${String(dim)}`);
  const d = normalizeDim(dim, x.ndim, what);
  let outer = 1;
  let inner = 1;
  for (let k = 0; k < d; k++) outer *= x.shape[k];
  for (let k = d + 1; k < x.ndim; k++) inner *= x.shape[k];
  return [outer, x.ndim === 0 ? 1 : x.shape[d], inner];
}

export type Operand = Tensor | number;

/** Both operands as tensors of one dtype (a number becomes a one-element tensor of the other's dtype). */
export function asTensors(what: string, a: Operand, b: Operand): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) {
    if (a.dtype !== b.dtype) {
      throw new TypeError(`${what}: operands have dtypes ${a.dtype} and ${b.dtype}, expected the same dtype (convert one with toDtype)`);
    }
    return [a, b];
  }
  if (a instanceof Tensor) return [a, scalarLike(b as number, a.dtype, what)];
  if (b instanceof Tensor) return [scalarLike(a, b.dtype, what), b];
  throw new TypeError(`${what}: expected at least one tensor operand, got two numbers`);
}

function scalarLike(v: number, dtype: DType, what: string): Tensor {
  if (typeof v !== 'number') throw new TypeError(`${what}: operand is ${typeof v}, expected a tensor or a number`);
  const data = allocate(dtype, 1);
  data[0] = v;
  return new Tensor(data, []);
}
