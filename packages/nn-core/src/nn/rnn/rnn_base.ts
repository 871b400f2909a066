/**
 * RNNBase: the layer × direction × time loop shared by nn.RNN, nn.LSTM and nn.GRU (PyTorch:
 * `torch/nn/modules/rnn.py`). The subclasses only choose the cell; parameters and state-dict keys are PyTorch's.
 */
import { Tensor } from '../../autograd/tensor.js';
import { zeros } from '../../creation.js';
import { stack } from '../../ops/cat.js';
import { bidirectionalLayer, type DirectionStates } from '../../ops/bidirectional_layer.js';
import { dropout as dropoutOp } from '../../ops/dropout.js';
import { recurrentLayer, type CellMode, type RecurrentLayerWeights } from '../../ops/rnn_layer.js';
import { select } from '../../ops/slice.js';
import { squeeze, unsqueeze } from '../../ops/squeeze.js';
import { transpose } from '../../ops/transpose.js';
import { fmtShape, ShapeError } from '../../shape.js';
import { warn } from '../../warnings.js';
import { uniform_ } from '../init.js';
import { Module, moduleDtype, type ModuleOptions } from '../module.js';
import { Parameter, zerosParameter } from '../parameter.js';
import { gatesOf } from '../../kernels/cpu/rnn_cell_table.js';
import { checkLengths, type Lengths } from './lengths.js';
import { PackedSequence, packPaddedSequence, padPackedSequence } from './packed.js';

export interface RNNBaseOptions extends ModuleOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  dropout?: number;
  bidirectional?: boolean;
}

export interface RNNForwardOptions {
  /**
   * Valid steps of each sequence (1..L), in any order. The result equals PyTorch's
   * `pack_padded_sequence(enforce_sorted=False)` → layer → `pad_packed_sequence(total_length=L)`.
   */
  lengths?: Lengths;
}

/** Resolved hyper-parameters of a recurrent layer. */
export interface RNNConfig {
  mode: CellMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
  bidirectional: boolean;
  projSize: number;
}

const NAMES: Record<CellMode, string> = { RNN_TANH: 'RNN', RNN_RELU: 'RNN', LSTM: 'LSTM', GRU: 'GRU' };

export class RNNBase extends Module {
  readonly mode: CellMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM only; 0 means no projection. */
  readonly projSize: number;
  protected readonly name: string;

  constructor(mode: CellMode, inputSize: number, hiddenSize: number, options: RNNBaseOptions & { projSize?: number } = {}) {
    super();
    this.name = NAMES[mode];
    const cfg = resolveConfig(this.name, mode, inputSize, hiddenSize, options);
    this.mode = mode;
    this.inputSize = cfg.inputSize;
    this.hiddenSize = cfg.hiddenSize;
    this.numLayers = cfg.numLayers;
    this.bias = cfg.bias;
    this.batchFirst = cfg.batchFirst;
    this.dropout = cfg.dropout;
    this.bidirectional = cfg.bidirectional;
    this.projSize = cfg.projSize;
    this.registerWeights(moduleDtype(options, this.name));
    this.resetParameters();
  }

  /** `LSTM(10, 20, numLayers=2, batchFirst=true)`: the arguments that differ from the defaults (PyTorch's extra_repr). */
  override extraRepr(): string {
    const parts = [`${this.inputSize}`, `${this.hiddenSize}`];
    if (this.projSize > 0) parts.push(`projSize=${this.projSize}`);
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.mode === 'RNN_RELU') parts.push("nonlinearity='relu'");
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }

  /** Number of directions D (1 or 2). */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Hout: size of h (projSize when projecting, else hiddenSize). */
  get outputHiddenSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  // PyTorch order: for each layer, for each direction: w_ih, w_hh, b_ih, b_hh, (w_hr).
  private registerWeights(dtype: 'float32' | 'float64'): void {
    const GH = gatesOf(this.mode) * this.hiddenSize;
    const Hout = this.outputHiddenSize;
    for (let k = 0; k < this.numLayers; k++) {
      const inK = k === 0 ? this.inputSize : Hout * this.numDirections;
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
        const p = (shape: number[]): Parameter => zerosParameter(shape, dtype);
        this.registerParameter(`weight_ih${sfx}`, p([GH, inK]));
        this.registerParameter(`weight_hh${sfx}`, p([GH, Hout]));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, p([GH]));
          this.registerParameter(`bias_hh${sfx}`, p([GH]));
        }
        if (this.projSize > 0) this.registerParameter(`weight_hr${sfx}`, p([this.projSize, this.hiddenSize]));
      }
    }
  }

  /** Every weight and bias ~ U(−1/√H, 1/√H), as PyTorch's `reset_parameters`. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters(false)) uniform_(p, -bound, bound);
  }

  /** The weights of layer k, direction d. */
  layerWeights(k: number, d: number): RecurrentLayerWeights {
    // (the parameter names of each layer and direction are made once: inference asks for them at every call)
    const names = (this.#names[k * 2 + d] ??= ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr'].map((n) => `${n}_l${k}${d === 1 ? '_reverse' : ''}`));
    const get = (i: number): Tensor | null => this.ownParameter(names[i]);
    return { wIh: get(0)!, wHh: get(1)!, bIh: get(2), bHh: get(3), wHr: get(4) };
  }

  #names: string[][] = [];

  /** A config object describing this layer (for docs, checkpoints and the reference path). */
  config(): RNNConfig {
    const { mode, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize } = this;
    return { mode, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize };
  }

  /**
   * Runs all layers. Returns `[output, hN, cN]` with cN null except for LSTM.
   * @param input - `(L, N, E)`, `(N, L, E)` with batchFirst, or unbatched `(L, E)`
   * @param h0 - `(D·numLayers, N, Hout)` (or `(D·numLayers, Hout)` unbatched); zeros when null
   * @param c0 - `(D·numLayers, N, H)` (LSTM); zeros when null
   */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null, options: RNNForwardOptions): [Tensor, Tensor, Tensor | null] {
    const batched = this.checkInput(input);
    let x = batched ? input : unsqueeze(input, 1);
    if (batched && this.batchFirst) x = transpose(x, 0, 1);
    const [L, N] = x.shape;
    const isLstm = this.mode === 'LSTM';
    const h = this.initialState(h0, batched, N, this.outputHiddenSize, 'h0');
    const c = isLstm ? this.initialState(c0, batched, N, this.hiddenSize, 'c0') : null;
    const lengths = options.lengths === undefined ? null : checkLengths(this.name, options.lengths, N, L);
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    const stateOf = (i: number): DirectionStates => ({ h0: select(h, 0, i), c0: c === null ? null : select(c, 0, i) });
    // a batch-first module's last layer writes its output batch-first (no transpose of it afterwards)
    const outBatchFirst = batched && this.batchFirst;
    for (let k = 0; k < this.numLayers; k++) {
      const batchFirst = outBatchFirst && k === this.numLayers - 1;
      if (this.numDirections === 2) {
        // both directions as one op, writing their halves of the (L, N, 2·Hout) output in place
        const [o, ...finals] = bidirectionalLayer(x, [stateOf(2 * k), stateOf(2 * k + 1)], [this.layerWeights(k, 0), this.layerWeights(k, 1)], {
          mode: this.mode,
          lengths,
          batchFirst,
        });
        hN.push(finals[0], finals[1]);
        if (isLstm) cN.push(finals[2], finals[3]);
        x = o;
      } else {
        const s = stateOf(k);
        const [o, hk, ck] = recurrentLayer(x, s.h0, s.c0, this.layerWeights(k, 0), { mode: this.mode, reverse: false, lengths, batchFirst });
        hN.push(hk);
        if (ck !== undefined) cN.push(ck);
        x = o;
      }
      if (this.dropout > 0 && this.training && k < this.numLayers - 1) x = dropoutOp(x, this.dropout, true);
    }
    let output = x; // (already batch-first where the module is)
    let hOut = stack(hN, 0);
    let cOut = isLstm ? stack(cN, 0) : null;
    if (!batched) {
      output = squeeze(output, 1);
      hOut = squeeze(hOut, 1);
      cOut = cOut === null ? null : squeeze(cOut, 1);
    }
    return [output, hOut, cOut];
  }

  /**
   * `run` for a padded tensor or a PackedSequence. A packed input is unpacked to a padded batch with its lengths,
   * run, and the output packed again in the same order (PyTorch returns a PackedSequence for a packed input;
   * hN/cN are in the original batch order either way).
   */
  protected runAny(
    input: Tensor | PackedSequence,
    h0: Tensor | null,
    c0: Tensor | null,
    options: RNNForwardOptions,
  ): [Tensor | PackedSequence, Tensor, Tensor | null] {
    if (!(input instanceof PackedSequence)) return this.run(input, h0, c0, options);
    if (options.lengths !== undefined) {
      throw new TypeError(`${this.name}: pass either a PackedSequence or the lengths option, not both`);
    }
    const [padded, lengths] = padPackedSequence(input, { batchFirst: this.batchFirst });
    const [out, hN, cN] = this.run(padded, h0, c0, { lengths });
    const packed = packPaddedSequence(out, lengths, { batchFirst: this.batchFirst, enforceSorted: false });
    return [new PackedSequence(packed.data, packed.batchSizes, input.sortedIndices, input.unsortedIndices), hN, cN];
  }

  /** Checks rank, features and dtype; returns whether the input is batched. */
  private checkInput(input: Tensor): boolean {
    if (!(input instanceof Tensor)) throw new TypeError(`${this.name}: input must be a Tensor, got ${typeof input}`);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ShapeError(`${this.name}: input must be 2-D (L, E) or 3-D (${this.batchFirst ? 'N, L' : 'L, N'}, E), got shape ${fmtShape(input.shape)}`);
    }
    const E = input.shape[input.ndim - 1];
    if (E !== this.inputSize) {
      throw new ShapeError(`${this.name}: input has E=${E} features, expected inputSize=${this.inputSize} (input shape ${fmtShape(input.shape)})`);
    }
    const dtype = this.layerWeights(0, 0).wIh.dtype;
    if (input.dtype !== dtype) throw new TypeError(`${this.name}: input is ${input.dtype} but the layer's weights are ${dtype}`);
    return input.ndim === 3;
  }

  /** The given state as `(D·numLayers, N, size)`, checked, or zeros. */
  private initialState(s: Tensor | null, batched: boolean, N: number, size: number, what: string): Tensor {
    const S = this.numDirections * this.numLayers;
    const dtype = this.layerWeights(0, 0).wIh.dtype;
    if (s === null || s === undefined) return zeros([S, N, size], { dtype });
    const expected = batched ? [S, N, size] : [S, size];
    if (s.ndim !== expected.length || s.shape.some((v, i) => v !== expected[i])) {
      throw new ShapeError(
        `${this.name}: ${what} has shape ${fmtShape(s.shape)}, expected ${fmtShape(expected)} ` +
          `(D·numLayers=${S}${batched ? `, N=${N}` : ''}, ${what === 'c0' ? 'H' : 'Hout'}=${size})`,
      );
    }
    if (s.dtype !== dtype) throw new TypeError(`${this.name}: ${what} is ${s.dtype} but the layer's weights are ${dtype}`);
    return batched ? s : unsqueeze(s, 1);
  }
}

function resolveConfig(
  name: string,
  mode: CellMode,
  inputSize: number,
  hiddenSize: number,
  o: RNNBaseOptions & { projSize?: number },
): RNNConfig {
  // JavaScript cannot reject unknown keyword arguments the way Python does, so check the option names.
  const allowed = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'dtype'];
  if (mode === 'LSTM') allowed.push('projSize');
  if (mode === 'RNN_TANH' || mode === 'RNN_RELU') allowed.push('nonlinearity');
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) throw new TypeError(`${name}: unknown option '${key}', expected one of ${allowed.join(', ')}`);
  }
  const positiveInt = (v: number, what: string): number => {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: ${what} must be a positive integer, got ${v}`);
    return v;
  };
  const cfg: RNNConfig = {
    mode,
    inputSize: positiveInt(inputSize, 'inputSize'),
    hiddenSize: positiveInt(hiddenSize, 'hiddenSize'),
    numLayers: positiveInt(o.numLayers ?? 1, 'numLayers'),
    bias: o.bias ?? true,
    batchFirst: o.batchFirst ?? false,
    dropout: o.dropout ?? 0,
    bidirectional: o.bidirectional ?? false,
    projSize: o.projSize ?? 0,
  };
  if (typeof cfg.dropout !== 'number' || !(cfg.dropout >= 0 && cfg.dropout <= 1)) {
    throw new RangeError(`${name}: dropout must be a number in [0, 1] representing the probability of an element being zeroed, got ${cfg.dropout}`);
  }
  if (cfg.dropout > 0 && cfg.numLayers === 1) {
    // PyTorch warns rather than fails here; so do we.
    warn(
      `${name}: dropout adds dropout after all but the last recurrent layer, so non-zero dropout expects ` +
        `numLayers greater than 1, but got dropout=${cfg.dropout} and numLayers=1`,
    );
  }
  if (!Number.isInteger(cfg.projSize) || cfg.projSize < 0) {
    throw new RangeError(`${name}: projSize must be a non-negative integer, got ${cfg.projSize}`);
  }
  if (cfg.projSize > 0 && mode !== 'LSTM') throw new RangeError(`${name}: projSize is supported only by LSTM`);
  if (cfg.projSize >= cfg.hiddenSize) {
    throw new RangeError(`${name}: projSize (${cfg.projSize}) must be smaller than hiddenSize (${cfg.hiddenSize})`);
  }
  return cfg;
}
