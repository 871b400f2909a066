/**
 * cat and stack: join tensors along an existing dim or a new one. The backward of cat hands each input its
 * own run of dout along `dim`; stack is unsqueeze + cat and gets its gradient by composition.
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { allocate } from '../dtype.js';
import { fmtShape, normalizeDim, numel, ShapeError } from '../shape.js';
import { copyBlocks } from '../kernels/cpu/strided.js';
import { unsqueeze } from './squeeze.js';

/** PyTorch's legacy rule: a 1-d tensor of size 0 is skipped by cat whatever the other shapes are. */
function isSkipped(x: Tensor): boolean {
  return x.ndim === 1 && x.shape[0] === 0;
}

const catOp = defineOp('cat', (tensors: Tensor[], dim: number, ref: number) => {
  const shape = [...tensors[ref].shape];
  const kept = tensors.map((x) => !isSkipped(x));
  const sizes = tensors.map((x, k) => (kept[k] ? x.shape[dim] : 0));
  shape[dim] = sizes.reduce((a, b) => a + b, 0);
  const outer = numel(shape.slice(0, dim));
  const inner = numel(shape.slice(dim + 1));
  const block = shape[dim] * inner;
  const out = allocate(tensors[ref].dtype, numel(shape));
  const starts: number[] = [];
  let at = 0;
  tensors.forEach((x, k) => {
    starts.push(at);
    if (kept[k]) copyBlocks(x.data, sizes[k] * inner, 0, out, block, at * inner, outer, sizes[k] * inner);
    at += sizes[k];
  });
  // Saves each input's start and size along `dim` (and their shapes): input k's gradient is dout's rows
  // starts[k] .. starts[k] + sizes[k] along `dim`.
  const shapes = tensors.map((x) => x.shape);
  return {
    out: new Tensor(out, shape),
    backward: (dout, needs) =>
      shapes.map((s, k) => {
        if (!needs[k]) return null;
        const len = sizes[k] * inner;
        const dx = allocate(dout.dtype, numel(s));
        if (kept[k]) copyBlocks(dout.data, block, starts[k] * inner, dx, len, 0, outer, len);
        return new Tensor(dx, s);
      }),
  };
});

/**
 * Concatenates along `dim`; all other sizes must match. As in PyTorch, 1-d tensors of size 0 are skipped.
 * @param tensors - non-empty array of `(…, S_k, …)` tensors of one dtype and rank
 * @returns `(…, Σ S_k, …)`
 * @remarks dx_k = dout[…, start_k : start_k + S_k, …] with start_k = Σ_{j<k} S_j
 * @see https://pytorch.org/docs/stable/generated/torch.cat.html
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const list = checkList('cat', tensors);
  list.forEach((x, k) => {
    if (x.ndim === 0) throw new ShapeError(`cat: tensor ${k} is 0-d and cannot be concatenated; unsqueeze it or use stack`);
  });
  const ref = Math.max(0, list.findIndex((x) => !isSkipped(x)));
  const r = list[ref];
  const d = normalizeDim(dim, r.ndim, 'cat');
  list.forEach((x, k) => {
    if (isSkipped(x)) return;
    if (x.ndim !== r.ndim) {
      throw new ShapeError(
        `cat: tensor ${k} has ${x.ndim} dims (shape ${fmtShape(x.shape)}), expected ${r.ndim} like tensor ${ref} (shape ${fmtShape(r.shape)})`,
      );
    }
    x.shape.forEach((s, i) => {
      if (i !== d && s !== r.shape[i]) {
        throw new ShapeError(
          `cat: tensor ${k} has size ${s} at dim ${i}, expected ${r.shape[i]} like tensor ${ref} ` +
            `(shapes ${fmtShape(x.shape)} and ${fmtShape(r.shape)}; only dim ${d} may differ)`,
        );
      }
    });
  });
  return catOp([...list], d, ref);
}

/**
 * Joins equally shaped tensors along a new dim `dim` (negative counts from the end of the output).
 * @param tensors - non-empty array of `(d0, …, d_{k-1})` tensors of one dtype
 * @param dim - `-(k+1)..k`
 * @returns `(d0, …, T, …, d_{k-1})` with T = tensors.length inserted at `dim`
 * @remarks dx_k = select(dout, dim, k)
 * @see https://pytorch.org/docs/stable/generated/torch.stack.html
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const list = checkList('stack', tensors);
  const first = list[0];
  list.forEach((x, k) => {
    if (x.ndim !== first.ndim || x.shape.some((s, i) => s !== first.shape[i])) {
      throw new ShapeError(`stack: tensor ${k} has shape ${fmtShape(x.shape)}, expected ${fmtShape(first.shape)} like tensor 0`);
    }
  });
  const d = normalizeDim(dim, first.ndim + 1, 'stack');
  return cat(
    list.map((x) => unsqueeze(x, d)),
    d,
  );
}

/** Checks for a non-empty array of tensors of one dtype. */
function checkList(what: string, tensors: readonly Tensor[]): readonly Tensor[] {
  if (!Array.isArray(tensors)) throw new TypeError(`${what}: expected an array of tensors, got ${String(tensors)}`);
  if (tensors.length === 0) throw new RangeError(`${what}: expected a non-empty array of tensors`);
  tensors.forEach((x, k) => {
    if (!(x instanceof Tensor)) throw new TypeError(`${what}: element ${k} is ${String(x)}, expected a tensor`);
    if (x.dtype !== tensors[0].dtype) {
      throw new TypeError(`${what}: tensor ${k} has dtype ${x.dtype}, expected ${tensors[0].dtype} like tensor 0 (convert it first)`);
    }
  });
  return tensors;
}
