import { isGradEnabled, setGradEnabled } from './grad_mode.js';
import { allocate, type DType } from '../dtype.js';
import { numel } from '../shape.js';
import type { BackwardFn, GradEdge, GradNode, InputGrad, SparseBackwardFn } from './node.js';
import { Tensor } from './tensor.js';

/** What an op's forward returns: its output and the closure that computes input gradients from `dout`. */
export interface OpResult {
  out: Tensor;
  /** Captures only what it needs from forward (say what and why at the capture site). */
  backward: (dout: Tensor, needs: boolean[]) => InputGrad[];
}

/** Like `OpResult` for ops with several outputs (chunk, split, a whole recurrent layer). */
export interface MultiOpResult {
  out: Tensor[];
  backward: BackwardFn;
  /**
   * Gives back what backward saved, once the graph through this op is freed (after its backward pass without
   * `retainGraph`); never called when no graph was recorded or backward never runs (then collection frees it).
   */
  release?: () => void;
}

/** A `MultiOpResult` whose backward takes null for an output no gradient reached (`SparseBackwardFn`), not zeros. */
export interface SparseMultiOpResult {
  out: Tensor[];
  backward: SparseBackwardFn;
  sparse: true;
  release?: () => void;
}

type AnyResult = MultiOpResult | SparseMultiOpResult;

let recording = false;

/**
 * Inside an op's forward: whether this call records a graph (grad mode on and some input requires grad).
 * Forward functions may skip saving activations when it is false.
 */
export function willRecord(): boolean {
  return recording;
}

/**
 * Defines a differentiable op with its forward and backward side by side.
 *
 * `forward(...args)` computes the output from tensors and plain values and returns it with a backward
 * closure. Tensor inputs are the tensor arguments, and tensors inside array arguments, in argument order;
 * the closure returns one gradient per tensor input (null where none is needed). Forward and backward run
 * with grad mode off, so they may call other ops freely.
 */
export function defineOp<A extends unknown[]>(name: string, forward: (...args: A) => OpResult): (...args: A) => Tensor {
  return (...args: A): Tensor => {
    const result = run(name, args, () => {
      const r = forward(...args);
      return { out: [r.out], backward: (douts: Tensor[], needs: boolean[]) => r.backward(douts[0], needs) };
    });
    return result[0];
  };
}

/** `defineOp` for ops that return several tensors. */
export function defineMultiOp<A extends unknown[]>(
  name: string,
  forward: (...args: A) => MultiOpResult,
): (...args: A) => Tensor[] {
  return (...args: A): Tensor[] => run(name, args, () => forward(...args));
}

/** `defineMultiOp` for an op whose backward is told which outputs got no gradient (`SparseMultiOpResult`). */
export function defineSparseMultiOp<A extends unknown[]>(
  name: string,
  forward: (...args: A) => Omit<SparseMultiOpResult, 'sparse'>,
): (...args: A) => Tensor[] {
  return (...args: A): Tensor[] => run(name, args, () => ({ ...forward(...args), sparse: true }));
}

function run(name: string, args: unknown[], call: () => AnyResult): Tensor[] {
  const inputs = tensorInputs(args);
  const prevMode = isGradEnabled();
  const track = prevMode && inputs.some((t) => t.requiresGrad);
  const prevRecording = recording;
  recording = track;
  setGradEnabled(false);
  let result: AnyResult;
  try {
    result = call();
  } finally {
    setGradEnabled(prevMode);
    recording = prevRecording;
  }
  if (!track) return result.out;
  const outputShapes = result.out.map((t) => [...t.shape]);
  const outputDtypes = result.out.map((t) => t.dtype);
  const node: GradNode = {
    name,
    inputs: inputs.map(edgeOf),
    backward: isSparse(result) ? result.backward : zeroFilled(result.backward, outputShapes, outputDtypes),
    release: result.release ?? null,
    outputShapes,
    outputDtypes,
  };
  return result.out.map((t, k) => {
    // An op may return one of its inputs unchanged (e.g. a no-op reshape); wrap it so the graph stays a graph.
    const o = inputs.includes(t) ? new Tensor(t.data, t.shape) : t;
    o.gradFn = node;
    o.outputIndex = k;
    o.requiresGrad = true;
    return o;
  });
}

function isSparse(r: AnyResult): r is SparseMultiOpResult {
  return (r as SparseMultiOpResult).sparse === true;
}

/** An op's own backward, given zeros (of the output's shape and dtype) for an output no gradient reached. */
function zeroFilled(backward: BackwardFn, shapes: number[][], dtypes: DType[]): SparseBackwardFn {
  return (douts, needs, retained) =>
    backward(douts.map((d, k) => d ?? new Tensor(allocate(dtypes[k], numel(shapes[k])), shapes[k])), needs, retained);
}

/** A leaf as itself; a computed tensor as the edge to its op (not its storage). */
function edgeOf(t: Tensor): Tensor | GradEdge {
  if (t.gradFn === null) return t;
  return { requiresGrad: t.requiresGrad, gradFn: t.gradFn, outputIndex: t.outputIndex, shape: t.shape, dtype: t.dtype };
}

function tensorInputs(args: unknown[]): Tensor[] {
  const inputs: Tensor[] = [];
  for (const a of args) {
    if (a instanceof Tensor) inputs.push(a);
    else if (Array.isArray(a)) for (const e of a) if (e instanceof Tensor) inputs.push(e);
  }
  return inputs;
}
