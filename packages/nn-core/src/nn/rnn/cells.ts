/**
 * Recurrent cells: one time step, composed from differentiable ops (PyTorch: nn.RNNCell, nn.LSTMCell, nn.GRUCell).
 * The step functions are also the reference (oracle) path that the fused layer kernels are tested against.
 */
import { Tensor } from '../../autograd/tensor.js';
import { zeros } from '../../creation.js';
import { add, mul, sub } from '../../ops/binary.js';
import { chunk } from '../../ops/chunk.js';
import { linear } from '../../ops/linear.js';
import { squeeze, unsqueeze } from '../../ops/squeeze.js';
import { relu, sigmoid, tanh } from '../../ops/unary.js';
import { fmtShape, ShapeError } from '../../shape.js';
import { uniform_ } from '../init.js';
import { Module, moduleDtype, type ModuleOptions } from '../module.js';
import { Parameter, zerosParameter } from '../parameter.js';

/** One cell's weights: `wIh (G·H, E)`, `wHh (G·H, H)`, biases `(G·H)` or null. */
export interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

const lin = (x: Tensor, w: Tensor, b: Tensor | null): Tensor => linear(x, w, b ?? undefined);

/** h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh). x `(N, E)`, h `(N, H)` → `(N, H)`. */
export function rnnCellStep(x: Tensor, h: Tensor, w: CellWeights, nonlinearity: 'tanh' | 'relu'): Tensor {
  const a = add(lin(x, w.wIh, w.bIh), lin(h, w.wHh, w.bHh));
  return nonlinearity === 'tanh' ? tanh(a) : relu(a);
}

/** LSTM step with gates i, f, g, o. x `(N, E)`, h `(N, H)`, c `(N, H)` → `[h', c']`. */
export function lstmCellStep(x: Tensor, h: Tensor, c: Tensor, w: CellWeights): [Tensor, Tensor] {
  const gates = add(lin(x, w.wIh, w.bIh), lin(h, w.wHh, w.bHh));
  const [gi, gf, gg, go] = chunk(gates, 4, 1);
  const cNext = add(mul(sigmoid(gf), c), mul(sigmoid(gi), tanh(gg)));
  return [mul(sigmoid(go), tanh(cNext)), cNext];
}

/** GRU step with gates r, z, n; n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)). x `(N, E)`, h `(N, H)` → `(N, H)`. */
export function gruCellStep(x: Tensor, h: Tensor, w: CellWeights): Tensor {
  const [xr, xz, xn] = chunk(lin(x, w.wIh, w.bIh), 3, 1);
  const [hr, hz, hn] = chunk(lin(h, w.wHh, w.bHh), 3, 1);
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return add(mul(sub(1, z), n), mul(z, h));
}

export interface CellOptions extends ModuleOptions {
  bias?: boolean;
}

/** Shared parameter registration and input checks of the three cells. */
abstract class CellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  protected abstract readonly cellName: string;

  constructor(gates: number, inputSize: number, hiddenSize: number, options: CellOptions, name: string) {
    super();
    for (const [v, what] of [[inputSize, 'inputSize'], [hiddenSize, 'hiddenSize']] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: ${what} must be a positive integer, got ${v}`);
    }
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = options.bias ?? true;
    const dtype = moduleDtype(options, name);
    const p = (shape: number[]): Parameter => zerosParameter(shape, dtype);
    this.registerParameter('weight_ih', p([gates * hiddenSize, inputSize]));
    this.registerParameter('weight_hh', p([gates * hiddenSize, hiddenSize]));
    this.registerParameter('bias_ih', this.bias ? p([gates * hiddenSize]) : null);
    this.registerParameter('bias_hh', this.bias ? p([gates * hiddenSize]) : null);
    this.resetParameters();
  }

  /** `LSTMCell(10, 20)` (plus `bias=false` when set). */
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=false'}`;
  }

  /** Every weight ~ U(−1/√H, 1/√H). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  protected weights(): CellWeights {
    const own = new Map(this.namedParameters('', false));
    return { wIh: own.get('weight_ih')!, wHh: own.get('weight_hh')!, bIh: own.get('bias_ih') ?? null, bHh: own.get('bias_hh') ?? null };
  }

  /** Input as `(N, E)` plus whether it was unbatched `(E)`. */
  protected batchedInput(input: Tensor): [Tensor, boolean] {
    if (!(input instanceof Tensor) || (input.ndim !== 1 && input.ndim !== 2)) {
      throw new ShapeError(`${this.cellName}: input must be 1-D (E) or 2-D (N, E), got ${input instanceof Tensor ? `shape ${fmtShape(input.shape)}` : typeof input}`);
    }
    const E = input.shape[input.ndim - 1];
    if (E !== this.inputSize) {
      throw new ShapeError(`${this.cellName}: input has E=${E} features, expected inputSize=${this.inputSize} (input shape ${fmtShape(input.shape)})`);
    }
    return input.ndim === 1 ? [unsqueeze(input, 0), false] : [input, true];
  }

  /** A state `(N, H)` (or `(H)` unbatched), checked, or zeros. */
  protected state(s: Tensor | null | undefined, N: number, batched: boolean, what: string): Tensor {
    if (s === null || s === undefined) return zeros([N, this.hiddenSize], { dtype: this.weights().wIh.dtype });
    const expected = batched ? [N, this.hiddenSize] : [this.hiddenSize];
    if (s.ndim !== expected.length || s.shape.some((v, i) => v !== expected[i])) {
      throw new ShapeError(`${this.cellName}: ${what} has shape ${fmtShape(s.shape)}, expected ${fmtShape(expected)} (${batched ? `N=${N}, ` : ''}H=${this.hiddenSize})`);
    }
    return batched ? s : unsqueeze(s, 0);
  }
}

const unbatch = (t: Tensor, batched: boolean): Tensor => (batched ? t : squeeze(t, 0));

/**
 * An Elman RNN cell. forward(input `(N, E)` or `(E)`, hx `(N, H)` or `(H)`, zeros if omitted) → h' of hx's shape.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.RNNCell.html
 */
export class RNNCell extends CellBase {
  protected readonly cellName = 'RNNCell';
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: CellOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(1, inputSize, hiddenSize, options, 'RNNCell');
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNNCell: nonlinearity must be 'tanh' or 'relu', got '${String(nl)}'`);
    this.nonlinearity = nl;
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, batched] = this.batchedInput(input);
    const h = this.state(hx, x.shape[0], batched, 'hx');
    return unbatch(rnnCellStep(x, h, this.weights(), this.nonlinearity), batched);
  }
}

/**
 * An LSTM cell. forward(input, [h, c]) → [h', c'], shapes as for RNNCell.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.LSTMCell.html
 */
export class LSTMCell extends CellBase {
  protected readonly cellName = 'LSTMCell';

  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super(4, inputSize, hiddenSize, options, 'LSTMCell');
  }

  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [x, batched] = this.batchedInput(input);
    const h = this.state(hx?.[0], x.shape[0], batched, 'h');
    const c = this.state(hx?.[1], x.shape[0], batched, 'c');
    const [h1, c1] = lstmCellStep(x, h, c, this.weights());
    return [unbatch(h1, batched), unbatch(c1, batched)];
  }
}

/**
 * A GRU cell. forward(input, hx) → h', shapes as for RNNCell.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.GRUCell.html
 */
export class GRUCell extends CellBase {
  protected readonly cellName = 'GRUCell';

  constructor(inputSize: number, hiddenSize: number, options: CellOptions = {}) {
    super(3, inputSize, hiddenSize, options, 'GRUCell');
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, batched] = this.batchedInput(input);
    const h = this.state(hx, x.shape[0], batched, 'hx');
    return unbatch(gruCellStep(x, h, this.weights()), batched);
  }
}
