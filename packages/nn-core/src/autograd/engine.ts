import { allocate, type DType, type TypedArray } from '../dtype.js';
import { fmtShape, numel, shapesEqual, type Shape } from '../shape.js';
import { setGradEnabled, isGradEnabled } from './grad_mode.js';
import type { AccumulatingGrad, GradEdge, GradNode, InputGrad } from './node.js';
import type { Tensor } from './tensor.js';
import { isResident, isScratch, overlaps, releaseScratch, zerosBeside } from '../kernels/cpu/wasm_heap.js';

/**
 * Builds a tensor over `data` (the `Tensor` constructor, passed in by `Tensor.backward` so that this module
 * imports only the type of `Tensor`, and the class imports the engine without a cycle).
 */
export type MakeTensor = (data: TypedArray, shape: Shape) => Tensor;

/**
 * Reverse-mode backward pass from `root`. Nodes run in reverse topological order; each node's output
 * gradients are summed before its backward runs; leaves that require grad accumulate into `.grad` (`+=`).
 * Every returned gradient's shape and dtype are checked against its input's.
 */
export function runBackward(root: Tensor, grad: Tensor | undefined, retainGraph: boolean, make: MakeTensor): void {
  if (!root.requiresGrad) {
    throw new Error('backward: tensor does not require grad and has no graph (did an op run inside noGrad?)');
  }
  const seed = grad ?? implicitSeed(root, make);
  if (!shapesEqual(seed.shape, root.shape) || seed.dtype !== root.dtype) {
    throw new Error(
      `backward: gradient has shape ${fmtShape(seed.shape)} (${seed.dtype}), expected ${fmtShape(root.shape)} (${root.dtype})`,
    );
  }
  if (root.gradFn === null) {
    accumulateLeaf(root, seed, make);
    return;
  }
  const order = topoOrder(root.gradFn);
  const pending = new Map<GradNode, (Tensor | null)[]>();
  pending.set(root.gradFn, slots(root.gradFn, root.outputIndex, seed));
  const prevMode = isGradEnabled();
  setGradEnabled(false);
  try {
    for (const node of order) {
      const douts = pending.get(node);
      if (!douts) continue;
      pending.delete(node);
      runNode(node, douts, pending, make, retainGraph);
      if (!retainGraph) {
        node.release?.();
        node.release = null;
        node.backward = null;
        node.inputs = [];
      }
    }
  } finally {
    setGradEnabled(prevMode);
  }
}

function zeros(make: MakeTensor, shape: Shape, dtype: DType): Tensor {
  return make(allocate(dtype, numel(shape)), shape);
}

function implicitSeed(root: Tensor, make: MakeTensor): Tensor {
  if (root.numel() !== 1) {
    throw new Error(
      `backward: grad can be implicitly created only for one-element outputs, this one has shape ${fmtShape(root.shape)}`,
    );
  }
  const t = zeros(make, root.shape, root.dtype);
  t.data[0] = 1;
  return t;
}

function runNode(
  node: GradNode,
  douts: (Tensor | null)[],
  pending: Map<GradNode, (Tensor | null)[]>,
  make: MakeTensor,
  retainGraph: boolean,
): void {
  if (node.backward === null) {
    throw new Error(
      `backward: the graph through '${node.name}' was already freed; call backward with { retainGraph: true } the first time`,
    );
  }
  const needs = node.inputs.map((t) => t.requiresGrad);
  const grads = node.backward(douts, needs, retainGraph); // (null where no gradient reached an output: define_op.ts)
  node.inputs.forEach((input, i) => {
    if (!needs[i]) return;
    const checked = checkGrad(node, i, input, grads[i]);
    if (checked === null) return;
    if (input.gradFn === null) {
      accumulateLeaf(input as Tensor, checked, make); // (the graph keeps leaves as tensors: define_op.ts)
    } else {
      const g = isAccumulating(checked) ? make(checked.dense(), checked.shape) : checked;
      const slotsOf = pending.get(input.gradFn) ?? new Array<Tensor | null>(input.gradFn.outputShapes.length).fill(null);
      const prev = slotsOf[input.outputIndex];
      slotsOf[input.outputIndex] = prev === null ? g : sum(prev, g, make);
      pending.set(input.gradFn, slotsOf);
    }
  });
  releaseUsed(douts, grads, pending);
}

/**
 * Gives back the kernels' scratch storage (wasm_heap.ts `residentScratch`) of the gradients a node has used: its
 * output gradients, and those it returned for leaves (added into their `.grad`); not one that still waits for
 * another node in `pending` (a gradient returned for two inputs, or an output gradient passed on as a view).
 */
function releaseUsed(douts: (Tensor | null)[], grads: InputGrad[], pending: Map<GradNode, (Tensor | null)[]>): void {
  const used: Float32Array[] = [];
  for (const d of douts) if (d !== null && isScratch(d.data)) used.push(d.data);
  for (const g of grads) if (g !== null && g !== undefined && !isAccumulating(g) && isScratch(g.data)) used.push(g.data);
  if (used.length === 0) return;
  const waiting: ArrayBufferView[] = [];
  for (const slots of pending.values()) for (const t of slots) if (t !== null) waiting.push(t.data);
  for (const a of used) if (!waiting.some((w) => overlaps(w, a))) releaseScratch(a);
}

function isAccumulating(g: Tensor | AccumulatingGrad): g is AccumulatingGrad {
  return (g as AccumulatingGrad).kind === 'accumulating';
}

function checkGrad(node: GradNode, i: number, input: Tensor | GradEdge, g: InputGrad): Tensor | AccumulatingGrad | null {
  if (g === null || g === undefined) return null;
  if (!shapesEqual(g.shape, input.shape) || g.dtype !== input.dtype) {
    throw new Error(
      `${node.name} backward: gradient for input ${i} has shape ${fmtShape(g.shape)} (${g.dtype}), ` +
        `expected the input's ${fmtShape(input.shape)} (${input.dtype})`,
    );
  }
  return g;
}

function slots(node: GradNode, index: number, g: Tensor): (Tensor | null)[] {
  const s = new Array<Tensor | null>(node.outputShapes.length).fill(null);
  s[index] = g;
  return s;
}

// Gradients returned by backward may alias other buffers (a reshape returns dout's storage), so sums are
// written to a fresh buffer rather than into either operand.
function sum(a: Tensor, b: Tensor, make: MakeTensor): Tensor {
  const out = zeros(make, a.shape, a.dtype);
  const o = out.data;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] + y[i];
  return out;
}

function accumulateLeaf(leaf: Tensor, g: Tensor | AccumulatingGrad, make: MakeTensor): void {
  // A leaf whose storage lives in the kernels' memory (a module's parameter) gets its gradient there too, so the
  // optimizer updates both in place (kernels/cpu/wasm_heap.ts).
  const beside = g.dtype === leaf.dtype && isResident(leaf.data);
  if (isAccumulating(g)) {
    // 0 + x = x exactly, so a first gradient added into zeros is the gradient itself
    leaf.grad ??= beside ? make(zerosBeside(leaf.data, numel(g.shape)), g.shape) : zeros(make, g.shape, g.dtype);
    g.addInto(leaf.grad.data);
    return;
  }
  if (leaf.grad === null) {
    const data = beside ? zerosBeside(leaf.data, g.data.length) : g.data.slice();
    if (beside) data.set(g.data);
    leaf.grad = make(data, g.shape);
    return;
  }
  const dst = leaf.grad.data;
  const src = g.data;
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}

/** Nodes reachable from `start`, each after every node that consumes its outputs (iterative DFS). */
function topoOrder(start: GradNode): GradNode[] {
  const post: GradNode[] = [];
  const visited = new Set<GradNode>();
  const stack: { node: GradNode; next: number }[] = [{ node: start, next: 0 }];
  visited.add(start);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.node.inputs.length) {
      const child = top.node.inputs[top.next++].gradFn;
      if (child !== null && !visited.has(child)) {
        visited.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      post.push(top.node);
      stack.pop();
    }
  }
  return post.reverse();
}
