/**
 * Shapes and the dimension glossary used in every doc comment, error message and kernel local:
 *
 * | letter | meaning |
 * |---|---|
 * | N | batch size |
 * | L | sequence length (time steps) |
 * | D | number of directions (1, or 2 when bidirectional) |
 * | E | embedding size / input features of a recurrent layer |
 * | H | hidden size |
 * | G | gates per cell (RNN 1, GRU 3, LSTM 4) |
 * | C | classes |
 * | V | vocabulary size |
 *
 * Shapes are written as tuples of these letters, e.g. `(L, N, E)`.
 */
export type Shape = readonly number[];

/** Thrown when tensors have the wrong number of dims or wrong sizes. */
export class ShapeError extends RangeError {
  override name = 'ShapeError';
}

/** Product of the dims (1 for a scalar). */
export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** `[2, 3]` → `"[2, 3]"`, the form used in every error message. */
export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that `shape` is a list of non-negative integers. */
export function checkShape(shape: Shape, what: string): void {
  if (!Array.isArray(shape)) throw new ShapeError(`${what}: shape must be an array of sizes, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what}: shape ${fmtShape(shape)} has size ${d}, expected non-negative integers`);
    }
  }
}

/** Resolves a possibly negative `dim` against `rank` (PyTorch's wrap-around). */
export function normalizeDim(dim: number, rank: number, what: string): number {
  const lo = rank === 0 ? -1 : -rank;
  const hi = rank === 0 ? 0 : rank - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new ShapeError(`${what}: dim ${dim} is out of range for a tensor of rank ${rank}, expected ${lo}..${hi}`);
  }
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}

/** The broadcast shape of `a` and `b` under NumPy/PyTorch rules. */
export function broadcastShapes(a: Shape, b: Shape, what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${what}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (dim ${i} of the result: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}
