import { Tensor } from '../autograd/tensor.js';
import { getDefaultDtype, type FloatDType } from '../dtype.js';
import { fmtShape, shapesEqual } from '../shape.js';
import { isResident } from '../kernels/cpu/wasm_heap.js';
import { Parameter } from './parameter.js';

/** Options every module constructor accepts. */
export interface ModuleOptions {
  /** Dtype of the module's parameters; defaults to `getDefaultDtype()` (float32). */
  dtype?: FloatDType;
}

export interface LoadStateDictOptions {
  /** When true (the default), missing and unexpected keys are errors. Mis-shaped keys are errors either way. */
  strict?: boolean;
  /**
   * PyTorch's `assign=True`: the module's parameters and buffers take the given tensors' storage instead of copying
   * their values (where the dtypes match; others are converted into the module's storage). The module then shares
   * memory with `stateDict`: for a state dict that nothing else uses, such as one just read from a file.
   * Float32 parameters whose storage lives in the kernels' memory (as built-in modules' do where shared memory
   * exists, kernels/cpu/wasm_heap.ts) keep it and receive a copy: kernels then read them in place at every call.
   */
  assign?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** The dtype a module's parameters get from its options, checked. */
export function moduleDtype(options: ModuleOptions | undefined, what: string): FloatDType {
  const dtype = options?.dtype ?? getDefaultDtype();
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`${what}: dtype is ${String(dtype)}, expected 'float32' or 'float64'`);
  }
  return dtype;
}

type Kind = 'parameter' | 'buffer' | 'module';

/**
 * Base class of all layers (PyTorch: `torch.nn.Module`). Subclasses define `forward(...)` and register their
 * state explicitly, keeping the returned value in a field:
 *
 * ```ts
 * this.weight = this.registerParameter('weight', new Parameter(zeros([out, inp], { dtype })));
 * this.encoder = this.registerModule('encoder', new LSTM(8, 16));
 * ```
 *
 * Registration order is the order of `namedParameters()` and of the state-dict keys, which are PyTorch's
 * dotted names verbatim (`0.weight`, `encoder.weight_ih_l0`): a module's own parameters first, then its
 * buffers, then each child's entries in registration order. To replace a parameter, register it again under
 * the same name (it keeps its position, like assignment to an existing attribute in PyTorch).
 *
 * @see https://pytorch.org/docs/stable/generated/torch.nn.Module.html
 */
export class Module {
  /** Whether the module is in training mode (dropout active). Set recursively by `train()` / `eval()`. */
  training = true;
  private readonly _parameters = new Map<string, Parameter | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, Module | null>();

  /**
   * Registers a parameter (or null, e.g. an absent bias) under `name`, and returns it.
   * @see https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.register_parameter
   */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    this.checkName(name, 'parameter');
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`registerParameter: '${name}' must be a Parameter or null, got ${describe(param)}`);
    }
    this._parameters.set(name, param);
    return param;
  }

  /** This module's own parameter registered as `name` (not a submodule's), or null when absent or registered as null. */
  protected ownParameter(name: string): Parameter | null {
    return this._parameters.get(name) ?? null;
  }

  /**
   * Registers a tensor that is state but not a parameter (e.g. running statistics). Persistent buffers are
   * part of the state dict.
   * @see https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.register_buffer
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, persistent = true): T {
    this.checkName(name, 'buffer');
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`registerBuffer: '${name}' must be a Tensor or null, got ${describe(tensor)}`);
    }
    this._buffers.set(name, tensor);
    if (persistent) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    return tensor;
  }

  /**
   * Registers a child module under `name`, and returns it.
   * @see https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.register_module
   */
  registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName(name, 'module');
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`registerModule: '${name}' must be a Module or null, got ${describe(module)}`);
    }
    if ((module as Module | null) === this) throw new Error(`registerModule: a module cannot be its own child ('${name}')`);
    this._modules.set(name, module);
    return module;
  }

  private checkName(name: string, kind: Kind): void {
    const fn = `register${kind[0].toUpperCase()}${kind.slice(1)}`;
    if (typeof name !== 'string') throw new TypeError(`${fn}: name is ${typeof name}, expected a string`);
    if (name === '') throw new TypeError(`${fn}: name is the empty string, expected a non-empty name`);
    if (name.includes('.')) throw new TypeError(`${fn}: name '${name}' contains ".", which separates state-dict keys`);
    const existing: Kind | null = this._parameters.has(name)
      ? 'parameter'
      : this._buffers.has(name)
        ? 'buffer'
        : this._modules.has(name)
          ? 'module'
          : null;
    if (existing !== null && existing !== kind) {
      throw new Error(`${fn}: '${name}' is already registered as a ${existing}`);
    }
  }

  /**
   * (name, parameter) pairs: this module's own parameters in registration order, then each child's, with
   * dotted names. A parameter shared by several modules is listed once (under its first name).
   */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const seen = new Set<Tensor>();
    const out: [string, Parameter][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modPrefix, m] of modules) {
      for (const [name, p] of m._parameters) {
        if (p === null || seen.has(p)) continue;
        seen.add(p);
        out.push([join(modPrefix, name), p]);
      }
    }
    return out;
  }

  /** The parameters of `namedParameters()`, for an optimizer. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** (name, buffer) pairs in the order of `namedParameters()`. */
  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modPrefix, m] of modules) {
      for (const [name, b] of m._buffers) {
        if (b === null || seen.has(b)) continue;
        seen.add(b);
        out.push([join(modPrefix, name), b]);
      }
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** (name, module) pairs of the direct children, in registration order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [name, m] of this._modules) if (m !== null) out.push([name, m]);
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module (name `prefix`, '' by default) and all its descendants, depth first, each listed once. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const visit = (name: string, m: Module): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [childName, child] of m.namedChildren()) visit(join(name, childName), child);
    };
    visit(prefix, this);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Calls `fn` on every descendant (children first) and then on this module, like PyTorch's `apply`. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order. Values share storage with the
   * module's tensors (detached, like PyTorch's `state_dict()`), so copy them to keep a snapshot.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [key, t] of this.stateEntries()) out[key] = t.detach();
    return out;
  }

  /** (key, tensor) of every state-dict entry; shared tensors appear under each of their names, like PyTorch. */
  private stateEntries(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const visit = (prefix: string, m: Module, seen: Set<Module>): void => {
      if (seen.has(m)) return;
      seen.add(m);
      for (const [name, p] of m._parameters) if (p !== null) out.push([join(prefix, name), p]);
      for (const [name, b] of m._buffers) if (b !== null && !m._nonPersistent.has(name)) out.push([join(prefix, name), b]);
      for (const [name, child] of m._modules) if (child !== null) visit(join(prefix, name), child, seen);
    };
    visit('', this, new Set());
    return out;
  }

  /**
   * Copies `stateDict`'s values into this module's existing parameters and buffers (in place, no graph).
   *
   * Values may be tensors of another float dtype (float64 into a float32 module, say); they are converted
   * to the parameter's dtype, with float32 rounding where it applies. Every key is checked before anything
   * is copied, and all problems are reported in one Error: missing and unexpected keys (only when `strict`)
   * and size mismatches with both shapes (always, like PyTorch).
   *
   * Parity note: on error nothing is copied (PyTorch copies the matching entries before raising).
   *
   * @returns the keys this module expected but did not get, and the keys it did not expect
   * @see https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.load_state_dict
   */
  loadStateDict(stateDict: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new TypeError(`loadStateDict: expected an object of tensors, got ${describe(stateDict)}`);
    }
    const entries = this.stateEntries();
    const expected = new Set(entries.map(([k]) => k));
    const missingKeys: string[] = [];
    const mismatches: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, dst] of entries) {
      if (!Object.hasOwn(stateDict, key)) {
        missingKeys.push(key);
        continue;
      }
      const src = stateDict[key];
      if (!(src instanceof Tensor)) {
        mismatches.push(`value for ${key} is ${describe(src)}, expected a Tensor.`);
      } else if (!shapesEqual(src.shape, dst.shape)) {
        mismatches.push(
          `size mismatch for ${key}: copying a param with shape ${fmtShape(src.shape)} from checkpoint, ` +
            `the shape in current model is ${fmtShape(dst.shape)}.`,
        );
      } else {
        copies.push([dst, src]);
      }
    }
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !expected.has(k));
    const errors: string[] = [];
    // PyTorch's order: missing keys, unexpected keys, then size mismatches.
    if (strict && missingKeys.length > 0) {
      errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    if (strict && unexpectedKeys.length > 0) {
      errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    errors.push(...mismatches);
    if (errors.length > 0) {
      throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    }
    // Typed-array `set` converts between element types (float64 → float32 rounds to nearest).
    for (const [dst, src] of copies) {
      if (options.assign && dst.dtype === src.dtype && !isResident(dst.data)) dst.data = src.data;
      else if (dst.data !== src.data) dst.data.set(src.data);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode on this module and all descendants (dropout is active only in training). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Sets `requiresGrad` on every parameter (PyTorch: `requires_grad_`), e.g. to freeze a module. */
  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad = on;
    return this;
  }

  /**
   * Clears the gradients of all parameters. Zero-fills existing gradient buffers, the torch 1.13 default
   * (`set_to_none=False`); with `setToNone` the gradients become null instead.
   */
  zeroGrad(setToNone = false): void {
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else p.zeroGrad();
    }
  }

  /** Total number of elements in the parameters (each shared parameter counted once). */
  numParameters(onlyTrainable = false): number {
    let n = 0;
    for (const p of this.parameters()) if (!onlyTrainable || p.requiresGrad) n += p.numel();
    return n;
  }

  /** The constructor arguments shown by `toString()` (PyTorch: `extra_repr`). */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style tree: `Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=true)\n)`. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.toString().split('\n').join('\n  ')}`);
    return `${head}\n${lines.join('\n')}\n)`;
  }
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}
