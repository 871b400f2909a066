import { fmtShape, shapesEqual } from '../shape.js';
import { setGradEnabled, isGradEnabled } from './grad_mode.js';
import type { GradNode, InputGrad } from './node.js';
import { Tensor, zerosOf } from './tensor.js';

/**
 * Reverse-mode backward pass from `root`. Nodes run in reverse topological order; each node's output
 * gradients are summed before its backward runs; leaves that require grad accumulate into `.grad` (`+=`).
 * Every returned gradient's shape and dtype are checked against its input's.
 */
export function runBackward(root: Tensor, grad: Tensor | undefined, retainGraph: boolean): void {
  if (!root.requiresGrad) {
    throw new Error('backward: tensor does not require grad and has no graph (did an op run inside noGrad?)');
  }
  const seed = grad ?? implicitSeed(root);
  if (!shapesEqual(seed.shape, root.shape) || seed.dtype !== root.dtype) {
    throw new Error(
      `backward: gradient has shape ${fmtShape(seed.shape)} (${seed.dtype}), expected ${fmtShape(root.shape)} (${root.dtype})`,
    );
  }
  if (root.gradFn === null) {
    accumulateLeaf(root, seed);
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
      runNode(node, douts, pending);
      if (!retainGraph) {
        node.backward = null;
        node.inputs = [];
      }
    }
  } finally {
    setGradEnabled(prevMode);
  }
}

function implicitSeed(root: Tensor): Tensor {
  if (root.numel() !== 1) {
    throw new Error(
      `backward: grad can be implicitly created only for one-element outputs, this one has shape ${fmtShape(root.shape)}`,
    );
  }
  const t = zerosOf(root.shape, root.dtype);
  t.data[0] = 1;
  return t;
}

function runNode(node: GradNode, douts: (Tensor | null)[], pending: Map<GradNode, (Tensor | null)[]>): void {
  if (node.backward === null) {
    throw new Error(
      `backward: the graph through '${node.name}' was already freed; call backward with { retainGraph: true } the first time`,
    );
  }
  const filled = douts.map((d, k) => d ?? zerosOf(node.outputShapes[k], node.outputDtypes[k]));
  const needs = node.inputs.map((t) => t.requiresGrad);
  const grads = node.backward(filled, needs);
  node.inputs.forEach((input, i) => {
    if (!needs[i]) return;
    const g = checkGrad(node, i, input, grads[i]);
    if (g === null) return;
    if (input.gradFn === null) {
      accumulateLeaf(input, g);
    } else {
      const slotsOf = pending.get(input.gradFn) ?? new Array<Tensor | null>(input.gradFn.outputShapes.length).fill(null);
      const prev = slotsOf[input.outputIndex];
      slotsOf[input.outputIndex] = prev === null ? g : sum(prev, g);
      pending.set(input.gradFn, slotsOf);
    }
  });
}

function checkGrad(node: GradNode, i: number, input: Tensor, g: InputGrad): Tensor | null {
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
function sum(a: Tensor, b: Tensor): Tensor {
  const out = zerosOf(a.shape, a.dtype);
  const o = out.data;
  const x = a.data;
  const y = b.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] + y[i];
  return out;
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.grad === null) {
    leaf.grad = new Tensor(g.data.slice(), g.shape);
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
