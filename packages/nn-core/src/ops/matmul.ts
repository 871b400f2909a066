/**
 * Matrix products: matmul (PyTorch's full semantics), mm (2-D only), bmm (3-D only).
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf } from '../autograd/tensor.js';
import { fmtShape, numel, ShapeError, stridesOf, type Shape } from '../shape.js';
import { gemm } from '../kernels/cpu/matmul.js';

/** How a product maps onto batched gemm calls: `(…batch, M, K) · (…batch, K, N)`. */
interface Plan {
  M: number;
  K: number;
  N: number;
  /** For each output batch element, the batch element of a and of b it reads (broadcast batch dims). */
  aBatch: Int32Array;
  bBatch: Int32Array;
  outShape: number[];
}

function checkPair(what: string, a: unknown, b: unknown): asserts a is Tensor {
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`${what}: ${name} must be a tensor, got ${typeof t}`);
  }
  const [x, y] = [a as Tensor, b as Tensor];
  if (x.dtype !== y.dtype) throw new TypeError(`${what}: a is ${x.dtype} and b is ${y.dtype}, expected the same dtype`);
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(`${what}: both arguments need at least 1 dim, got shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`);
  }
}

/** For each element of the broadcast batch `batch`, the flat index of the element of `own` it reads. */
function batchIndex(own: Shape, batch: Shape): Int32Array {
  const n = numel(batch);
  const out = new Int32Array(n);
  const ownStrides = stridesOf(own);
  const outStrides = stridesOf(batch);
  for (let p = 0; p < n; p++) {
    let q = 0;
    for (let d = 0; d < batch.length; d++) {
      const k = d - (batch.length - own.length);
      if (k < 0 || own[k] === 1) continue;
      q += (Math.floor(p / outStrides[d]) % batch[d]) * ownStrides[k];
    }
    out[p] = q;
  }
  return out;
}

function plan(what: string, a: Tensor, b: Tensor): Plan {
  const aN = a.ndim === 1 ? [1, a.shape[0]] : a.shape;
  const bN = b.ndim === 1 ? [b.shape[0], 1] : b.shape;
  const [M, K] = aN.slice(-2);
  const [Kb, N] = bN.slice(-2);
  if (K !== Kb) {
    const bDim = b.ndim === 1 ? 'only dim' : b.ndim === 2 ? 'first dim' : 'second-to-last dim';
    throw new ShapeError(
      `${what}: a is ${fmtShape(a.shape)} and b is ${fmtShape(b.shape)}; a's last dim (${K}) must equal b's ${bDim} (${Kb})`,
    );
  }
  const batchA = aN.slice(0, -2);
  const batchB = bN.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let d = 0; d < rank; d++) {
    const x = batchA[batchA.length - rank + d] ?? 1;
    const y = batchB[batchB.length - rank + d] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(
        `${what}: a is ${fmtShape(a.shape)} and b is ${fmtShape(b.shape)}; their batch dims ${fmtShape(batchA)} and ` +
          `${fmtShape(batchB)} do not broadcast (${x} vs ${y})`,
      );
    }
    batch.push(x === 1 ? y : x);
  }
  const outShape = [...batch, ...(a.ndim > 1 ? [M] : []), ...(b.ndim > 1 ? [N] : [])];
  return { M, K, N, aBatch: batchIndex(batchA, batch), bBatch: batchIndex(batchB, batch), outShape };
}

const matmulOp = defineOp('matmul', (a: Tensor, b: Tensor, what: string) => {
  const { M, K, N, aBatch, bBatch, outShape } = plan(what, a, b);
  const out = zerosOf(outShape, a.dtype);
  const [sa, sb, sc] = [M * K, K * N, M * N];
  const [A, B, C] = [a.data, b.data, out.data];
  for (let p = 0; p < aBatch.length; p++) {
    const [ia, ib] = [aBatch[p], bBatch[p]];
    gemm(false, false, M, N, K, 1, A.subarray(ia * sa, ia * sa + sa), B.subarray(ib * sb, ib * sb + sb), 0, C.subarray(p * sc, p * sc + sc));
  }
  // Saves both operands: each one's gradient is dout times the other.
  return {
    out,
    backward: (dout, needs) => {
      const dC = dout.data;
      const da = needs[0] ? zerosOf(a.shape, a.dtype) : null;
      const db = needs[1] ? zerosOf(b.shape, b.dtype) : null;
      for (let p = 0; p < aBatch.length; p++) {
        const [ia, ib] = [aBatch[p], bBatch[p]];
        const dCp = dC.subarray(p * sc, p * sc + sc);
        // beta = 1 accumulates over the output batch elements that broadcast from one input element.
        if (da) gemm(false, true, M, K, N, 1, dCp, B.subarray(ib * sb, ib * sb + sb), 1, da.data.subarray(ia * sa, ia * sa + sa));
        if (db) gemm(true, false, K, N, M, 1, A.subarray(ia * sa, ia * sa + sa), dCp, 1, db.data.subarray(ib * sb, ib * sb + sb));
      }
      return [da, db];
    },
  };
});

/**
 * Matrix product with PyTorch's rules: 1-D · 1-D is a dot product (0-d result); 2-D · 2-D a matrix product;
 * a 1-D `a` gets a leading 1 and a 1-D `b` a trailing 1, removed from the result; with ≥ 3 dims the leading
 * (batch) dims broadcast.
 * @param a - `(K)`, `(M, K)` or `(…batch, M, K)`
 * @param b - `(K)`, `(K, N)` or `(…batch, K, N)`
 * @returns `(…batch, M, N)` without the dims that came from 1-D operands
 * @remarks da = dout · bᵀ, db = aᵀ · dout, each summed over the batch dims it was broadcast along
 * @see https://pytorch.org/docs/stable/generated/torch.matmul.html
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkPair('matmul', a, b);
  return matmulOp(a, b, 'matmul');
}

/**
 * Product of two matrices, without broadcasting.
 * @param a - `(M, K)`
 * @param b - `(K, N)`
 * @returns `(M, N)`
 * @remarks da = dout · bᵀ, db = aᵀ · dout
 * @see https://pytorch.org/docs/stable/generated/torch.mm.html
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  checkPair('mm', a, b);
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.ndim !== 2) throw new ShapeError(`mm: ${name} must be 2-D, got shape ${fmtShape(t.shape)}`);
  }
  return matmulOp(a, b, 'mm');
}

/**
 * Batched product of matrices with one batch dim, without broadcasting.
 * @param a - `(N, M, K)` (here N is the batch)
 * @param b - `(N, K, P)`
 * @returns `(N, M, P)`
 * @remarks da = dout · bᵀ, db = aᵀ · dout, per batch element
 * @see https://pytorch.org/docs/stable/generated/torch.bmm.html
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkPair('bmm', a, b);
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (t.ndim !== 3) throw new ShapeError(`bmm: ${name} must be 3-D, got shape ${fmtShape(t.shape)}`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      `bmm: a is ${fmtShape(a.shape)} and b is ${fmtShape(b.shape)}; batch sizes must be equal (${a.shape[0]} vs ${b.shape[0]})`,
    );
  }
  return matmulOp(a, b, 'bmm');
}
