/**
 * The optimizer base class (PyTorch: `torch.optim.Optimizer`): parameter groups with per-group options,
 * per-parameter state, `zeroGrad`, and a state dict that holds tensors, as PyTorch's does.
 */
import { Tensor } from '../autograd/tensor.js';
import { enableGrad } from '../autograd/grad_mode.js';
import type { DType } from '../dtype.js';
import { zerosBeside } from '../kernels/cpu/wasm_heap.js';
import { fmtShape, numel, shapesEqual, ShapeError } from '../shape.js';
import { warn } from '../warnings.js';

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/** One parameter group: its parameters and its own copy of every option. */
export type ParamGroup<O> = O & {
  params: Tensor[];
  /** Set by learning-rate schedulers (PyTorch: `initial_lr`). */
  initialLr?: number;
};

/** A group as given to the constructor or `addParamGroup`: options not given come from the defaults. */
export type ParamGroupInput<O> = Partial<O> & { params: Tensor | Iterable<Tensor> };

/** Parameters as a list of tensors, or as a list of groups `[{ params, lr }, …]`. */
export type ParamsInput<O> = Iterable<Tensor> | ParamGroupInput<O>[];

/** A tensor as plain numbers: what `JSON.stringify` makes of a `Tensor` (see `Tensor.toJSON`). */
export interface SerializedTensor {
  dtype: DType;
  shape: number[];
  data: number[];
}

export type StateValue = Tensor | number;
/** A state value as `loadStateDict` accepts it: a tensor, or a tensor after a JSON round trip, or a number. */
export type SerializedStateValue = StateValue | SerializedTensor;

/**
 * Optimizer state: per-parameter tensors and numbers, keyed by parameter index; `paramGroups[i].params` are
 * indices counted across groups, as in PyTorch. `JSON.stringify` turns its tensors into `SerializedTensor`s.
 */
export interface OptimizerStateDict<V = StateValue> {
  state: Record<string, Record<string, V>>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** Float32 rounding for float32 parameters (each PyTorch tensor op rounds its result), identity for float64. */
export function rounder(dtype: DType): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x: number) => x;
}

export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  readonly defaults: O;
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates), created lazily by `step()`. */
  state = new Map<Tensor, Record<string, StateValue>>();
  /** Number of `step()` calls so far (learning-rate schedulers use it to warn about call order). */
  stepCount = 0;

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    const list = [...(params as Iterable<Tensor | ParamGroupInput<O>>)];
    if (list.length === 0) throw new RangeError(`${this.constructor.name}: got an empty parameter list`);
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : (list as ParamGroupInput<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Checks one group's options; subclasses throw a RangeError naming the bad value. */
  protected abstract validate(group: ParamGroup<O>, index: number): void;

  /**
   * Adds a group; options it does not give are taken from the defaults.
   * @see https://pytorch.org/docs/stable/generated/torch.optim.Optimizer.add_param_group.html
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const what = this.constructor.name;
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new TypeError(`${what}: a parameter group must be an object with params`);
    }
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${what}: can only optimize Tensors, but parameter ${i} is ${typeof p}`);
      if (!p.isLeaf) throw new TypeError(`${what}: can't optimize a non-leaf Tensor (parameter ${i})`);
    });
    if (new Set(params).size !== params.length) {
      warn(`${what}: a parameter group contains duplicate parameters; in future, this will cause an error`);
    }
    const full = { ...this.defaults, ...group, params } as ParamGroup<O>;
    const index = this.paramGroups.length;
    const lr = (full as BaseOptions).lr;
    if (lr === undefined) {
      throw new TypeError(`${what}: parameter group ${index} didn't specify a value of required optimization parameter lr`);
    }
    this.validate(full, index);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new Error(`${what}: some parameters appear in more than one parameter group`);
    this.paramGroups.push(full);
  }

  /**
   * Clears the gradients of every parameter: zero-fills them (torch 1.13 default), or sets them to null.
   */
  zeroGrad(setToNone = false): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else p.zeroGrad();
      }
    }
  }

  /**
   * Updates the parameters from their gradients (in place, no graph; parameters whose grad is null are
   * skipped). `closure` re-evaluates the model and returns the loss; it runs with grad mode on.
   * @returns the closure's loss, if a closure was given
   */
  step(closure?: () => number): number | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    this.stepCount++;
    for (const group of this.paramGroups) this.updateGroup(group);
    return loss;
  }

  /** Applies one update to every parameter of `group` that has a gradient. */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** The state of `p`, created empty on first use. */
  protected stateOf(p: Tensor): Record<string, StateValue> {
    let s = this.state.get(p);
    if (s === undefined) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /**
   * The whole state: tensors are copied, parameters become their index counted across groups (PyTorch's
   * packing), options are copied as they are.
   * @see https://pytorch.org/docs/stable/generated/torch.optim.Optimizer.state_dict.html
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    let start = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      params.forEach((p, i) => {
        if (!index.has(p)) index.set(p, start + i);
      });
      start += params.length;
      return { ...structuredClone(options), params: params.map((p) => index.get(p) as number) };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const packed: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(s)) packed[k] = v instanceof Tensor ? new Tensor(v.data.slice(), v.shape) : v;
      state[String(i)] = packed;
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from `stateDict()` (also after a JSON round trip). The groups must have the same
   * sizes; saved options replace the current ones; state tensors are converted to each parameter's dtype and
   * must have its shape.
   * @see https://pytorch.org/docs/stable/generated/torch.optim.Optimizer.load_state_dict.html
   */
  loadStateDict(stateDict: OptimizerStateDict<SerializedStateValue>): void {
    const what = `${this.constructor.name}.loadStateDict`;
    const saved = stateDict?.paramGroups;
    if (!Array.isArray(saved) || typeof stateDict.state !== 'object' || stateDict.state === null) {
      throw new TypeError(`${what}: expected { state, paramGroups } as returned by stateDict()`);
    }
    if (saved.length !== this.paramGroups.length) {
      throw new RangeError(`${what}: loaded state dict has ${saved.length} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    saved.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new RangeError(
          `${what}: loaded parameter group ${i} has ${g.params.length} parameters, the optimizer's group has ${this.paramGroups[i].params.length}`,
        );
      }
    });
    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, k) => idMap.set(id, this.paramGroups[i].params[k])));
    const state = new Map<Tensor, Record<string, StateValue>>();
    for (const [id, s] of Object.entries(stateDict.state)) {
      const p = idMap.get(Number(id));
      if (p === undefined) throw new RangeError(`${what}: state for parameter ${id}, which no group lists`);
      const restored: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(s)) restored[k] = typeof v === 'number' ? v : restoreTensor(v, p, `${what}: state '${k}' of parameter ${id}`);
      state.set(p, restored);
    }
    const groups = saved.map((g, i) => {
      const { params: _ids, ...options } = structuredClone(g);
      return { ...options, params: this.paramGroups[i].params } as unknown as ParamGroup<O>;
    });
    groups.forEach((g, i) => this.validate(g, i));
    this.paramGroups = groups;
    this.state = state;
  }
}

function restoreTensor(v: Tensor | SerializedTensor, param: Tensor, what: string): Tensor {
  const plain = v !== null && typeof v === 'object' && Array.isArray(v.shape) && Array.isArray(v.data);
  if (!(v instanceof Tensor) && !plain) throw new TypeError(`${what}: expected a number, a Tensor or { dtype, shape, data }`);
  if (!shapesEqual(v.shape, param.shape) || v.data.length !== numel(v.shape)) {
    throw new ShapeError(`${what}: has shape ${fmtShape(v.shape)} (${v.data.length} values), the parameter has shape ${fmtShape(param.shape)}`);
  }
  // Float state follows the parameter's dtype, like PyTorch's cast on load, and lives where the parameter does (in
  // the kernels' memory when it is resident, so the update runs in place after a resume too).
  const data = zerosBeside(param.data as Float32Array | Float64Array | Int32Array, v.data.length);
  for (let i = 0; i < data.length; i++) data[i] = v.data[i];
  return new Tensor(data, v.shape);
}
