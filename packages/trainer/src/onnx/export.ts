/**
 * ONNX export of a `TextClassifier`: a standard opset-14 graph that ONNX Runtime (or any ONNX backend) runs
 * with the same probabilities as `model.forward`.
 *
 * ```
 * ids (N, L) int64 ─ Gather(embedding.weight) ─► (N, L, E) ─ Transpose ─► (L, N, E)
 *   ─ LSTM | GRU | RNN (sequence_lens = lengths) per layer ─► Y (L, D, N, H), Y_h (D, N, H)
 *   ─ pooling ─► (N, D·H) ─ Gemm(fc) ─► (N, C) ─ LogSoftmax ─► log_probs (N, C) ─ Exp ─► probs (N, C)
 * ```
 * Inputs: `ids` int64 `(batch, sequence)` padded with 0, `lengths` int64 `(batch)` with 1 ≤ lengths ≤ L; batch
 * and sequence are dynamic. Outputs: `log_probs` and `probs`, float32 `(batch, C)`.
 *
 * Weights (converted to float32) are reordered from PyTorch's gate order to ONNX's: LSTM i,f,g,o → i,o,f,c;
 * GRU r,z,n → z,r,h (with `linear_before_reset=1`, which is PyTorch's GRU: r ⊙ (W_hn h + b_hn)); RNN as is
 * (tanh). ONNX wants W `(D, G·H, In)`, R `(D, G·H, H)` and B `(D, 2·G·H)` = [W_b; R_b], directions forward then
 * reverse. Layers after the first read Y transposed to `(L, N, D·H)`.
 *
 * Pooling, built from standard ops:
 * - `last`: Y_h of the last layer `(D, N, H)` → `(N, D·H)` (forward state at the last valid step, reverse
 *   state after reading back to step 0, as PyTorch's packed sequences and `TextClassifier` give);
 * - `mean` / `max`: a `(N, L, 1)` mask `Range(L) < lengths`, then `Where` (0 or −∞ at padded steps) and
 *   `ReduceSum / lengths` or `ReduceMax` over L.
 * With a bigram bag, its mean row (hashed with int64 `Mul`/`Add`/`Mod`, masked with `Where`, `Gather`, `ReduceSum`
 * and `Div`) is concatenated after the pooled features (see `bigramBag`). With fitted experts (naive Bayes, linear),
 * their scaled scores are added to the logits (see `tableExpert`; the same pair hashing, `Gather` of their tables,
 * masked sums).
 * Dropout is absent (inference graph).
 * @see https://onnx.ai/onnx/operators/onnx__LSTM.html
 */
import type { Tensor } from '@recurrent/nn-core';
import { BIGRAM_PRIME, type TextClassifier } from '../model.js';
import { DataType, encodeModel, type AttributeValue, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx_proto.js';

/** Opset of the exported graph (LSTM/GRU/RNN-14, Reshape-14; ReduceMax still takes axes as an attribute). */
export const ONNX_OPSET = 14;
/** IR version that goes with opset 14 (ONNX 1.9). */
export const ONNX_IR_VERSION = 7;

export interface ExportOnnxOptions {
  /** Extra ModelProto metadata_props (e.g. labels); string values. */
  metadata?: Readonly<Record<string, string>>;
  /** ModelProto.producer_version. Default '0.1.0'. */
  producerVersion?: string;
}

/** Source block order for each ONNX gate block: ONNX gate g takes PyTorch's gate GATE_ORDER[cell][g]. */
const GATE_ORDER = {
  lstm: [0, 3, 1, 2], // ONNX i, o, f, c ← PyTorch i, f, g, o
  gru: [1, 0, 2], // ONNX z, r, h ← PyTorch r, z, n
  rnn: [0],
} as const;

const OP_TYPE = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' } as const;

/** Builds the ONNX graph of `model` (see the module doc). */
export function textClassifierOnnx(model: TextClassifier, options: ExportOnnxOptions = {}): OnnxModel {
  const cfg = model.config;
  const state = model.stateDict();
  const D = cfg.bidirectional ? 2 : 1;
  const H = cfg.hiddenSize;
  const order = GATE_ORDER[cfg.cell];
  const G = order.length;
  const g = new GraphBuilder(state);

  g.add('Gather', ['embedding.weight', 'ids'], ['embedded'], { axis: 0 }); // (N, L, E)
  g.add('Transpose', ['embedded'], ['x_l0'], { perm: [1, 0, 2] }); // (L, N, E)
  g.add('Cast', ['lengths'], ['sequence_lens'], { to: DataType.INT32 });

  let x = 'x_l0';
  let y = '';
  let yH = '';
  for (let k = 0; k < cfg.numLayers; k++) {
    const dirs = Array.from({ length: D }, (_, d) => `_l${k}${d === 1 ? '_reverse' : ''}`);
    const key = (name: string, s: string): Tensor => g.weight(`rnn.${name}${s}`);
    const W = stackDirections(dirs.map((s) => reorderGates(key('weight_ih', s), order, H)));
    const R = stackDirections(dirs.map((s) => reorderGates(key('weight_hh', s), order, H)));
    const inputs = [x, g.constant(`W_l${k}`, W.data, [D, G * H, W.cols]), g.constant(`R_l${k}`, R.data, [D, G * H, H])];
    if (Object.hasOwn(state, `rnn.bias_ih${dirs[0]}`)) {
      const biases = dirs.map((s) => concat(reorderGates(key('bias_ih', s), order, H).data, reorderGates(key('bias_hh', s), order, H).data));
      inputs.push(g.constant(`B_l${k}`, stackDirections(biases.map((data) => ({ data, cols: 1 }))).data, [D, 2 * G * H]));
    } else inputs.push('');
    inputs.push('sequence_lens');
    const attributes: Record<string, AttributeValue> = { hidden_size: H, direction: D === 2 ? 'bidirectional' : 'forward' };
    if (cfg.cell === 'gru') attributes.linear_before_reset = 1;
    y = `Y_l${k}`;
    yH = `Y_h_l${k}`;
    g.add(OP_TYPE[cfg.cell], inputs, [y, yH], attributes); // Y (L, D, N, H), Y_h (D, N, H)
    if (k + 1 < cfg.numLayers) {
      g.add('Transpose', [y], [`${y}_t`], { perm: [0, 2, 1, 3] }); // (L, N, D, H)
      x = `x_l${k + 1}`;
      g.add('Reshape', [`${y}_t`, g.int64(`shape_l${k + 1}`, [0, 0, -1])], [x]); // (L, N, D·H)
    }
  }

  if (cfg.pooling === 'last') {
    g.add('Transpose', [yH], ['h_last'], { perm: [1, 0, 2] }); // (N, D, H)
    g.add('Reshape', ['h_last', g.int64('shape_pooled', [0, -1])], ['pooled']); // (N, D·H)
  } else {
    g.add('Transpose', [y], ['out_t'], { perm: [2, 0, 1, 3] }); // (N, L, D, H)
    g.add('Reshape', ['out_t', g.int64('shape_out', [0, 0, -1])], ['out']); // (N, L, D·H)
    validSteps(g);
    if (cfg.pooling === 'max') {
      g.add('Where', ['valid_3d', 'out', g.constant('minus_inf', Float32Array.of(-Infinity), [])], ['masked']);
      g.add('ReduceMax', ['masked'], ['pooled'], { axes: [1], keepdims: 0 });
    } else {
      g.add('Where', ['valid_3d', 'out', g.constant('zero_f', Float32Array.of(0), [])], ['masked']);
      g.add('ReduceSum', ['masked', 'axes_1'], ['summed'], { keepdims: 0 }); // (N, D·H)
      g.add('Cast', ['lengths_col'], ['lengths_f'], { to: DataType.FLOAT });
      g.add('Div', ['summed', 'lengths_f'], ['pooled']);
    }
  }
  const features = cfg.bigramBuckets > 0 ? bigramBag(g, cfg.bigramBuckets) : 'pooled';
  const experts = [
    { prefix: 'nb', bias: 'nb.prior', buckets: cfg.nbBuckets, scale: model.nb?.scale.data[0] ?? 0 },
    { prefix: 'lin', bias: 'lin.bias', buckets: cfg.linearBuckets, scale: model.lin?.scale.data[0] ?? 0 },
  ].filter((e) => e.buckets > 0 && e.scale !== 0);
  g.add('Gemm', [features, 'fc.weight', 'fc.bias'], ['logits_net'], { transB: 1 }); // (N, C)
  // as the model: the experts' scaled scores summed, then added to the network's logits
  const scaled = experts.map((e) => tableExpert(g, e.prefix, e.bias, e.buckets, e.scale));
  if (scaled.length === 2) g.add('Add', scaled, ['experts_scaled']);
  const logits = scaled.length === 0 ? 'logits_net' : 'logits';
  if (scaled.length > 0) g.add('Add', ['logits_net', scaled.length === 2 ? 'experts_scaled' : scaled[0]], [logits]);
  g.add('LogSoftmax', [logits], ['log_probs'], { axis: 1 });
  g.add('Exp', ['log_probs'], ['probs']);

  const C = cfg.numClasses;
  return {
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: '@recurrent/trainer',
    producerVersion: options.producerVersion ?? '0.1.0',
    graph: {
      name: 'text_classifier',
      docString: `TextClassifier (${cfg.cell}, ${cfg.pooling} pooling, ${cfg.numLayers} layer(s), ${D} direction(s))`,
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [
        { name: 'ids', elemType: DataType.INT64, shape: ['batch', 'sequence'], docString: 'token ids, 0 (<pad>) after each sequence' },
        { name: 'lengths', elemType: DataType.INT64, shape: ['batch'], docString: 'valid steps of each row, 1..sequence' },
      ],
      outputs: [
        { name: 'log_probs', elemType: DataType.FLOAT, shape: ['batch', C] },
        { name: 'probs', elemType: DataType.FLOAT, shape: ['batch', C] },
      ],
    },
    metadata: { architecture: JSON.stringify(cfg), ...options.metadata },
  };
}

/**
 * The bigram bag (model.ts `withBigrams`) after the pooled features: rows of the id pairs (see `pairRows`), summed
 * and divided by max(1, lengths − 1), then concatenated after `pooled`. Returns the name of the `(N, D·H + Dg)`
 * features.
 */
function bigramBag(g: GraphBuilder, buckets: number): string {
  const t = g.weight('bigram.weight');
  g.constant('bigram.weight', t.data, t.shape);
  const rows = pairRows(g, 'bg', buckets);
  g.add('Gather', ['bigram.weight', rows], ['bg_vectors'], { axis: 0 }); // (N, L − 1, Dg)
  g.add('ReduceSum', ['bg_vectors', 'bg_unsqueeze_axes'], ['bg_sum'], { keepdims: 0 }); // (N, Dg)
  g.add('Max', ['bg_len_col', 'bg_one'], ['bg_count']);
  g.add('Cast', ['bg_count'], ['bg_count_f'], { to: DataType.FLOAT });
  g.add('Div', ['bg_sum', 'bg_count_f'], ['bg_mean']);
  g.add('Concat', ['pooled', 'bg_mean'], ['features'], { axis: 1 });
  return 'features';
}

/**
 * Rows (a · BIGRAM_PRIME + b) mod (buckets − 1) + 1 of the id pairs (a, b) = (ids[:, t], ids[:, t + 1]) with
 * t + 1 < lengths, row 0 elsewhere (`bigramRow`, in int64). Names start with `p`; returns the `(N, L − 1)` rows,
 * and leaves `<p>_len_col` (lengths − 1, `(N, 1)`), `<p>_one` and `<p>_unsqueeze_axes` ([1]) for the caller.
 */
function pairRows(g: GraphBuilder, p: string, buckets: number): string {
  const i64 = (name: string, v: number): string => g.int64(name, [v], []);
  g.add('Slice', ['ids', g.int64(`${p}_start_0`, [0]), g.int64(`${p}_end_last`, [-1]), g.int64(`${p}_axes`, [1])], [`${p}_a`]); // (N, L − 1)
  g.add('Slice', ['ids', g.int64(`${p}_start_1`, [1]), g.int64(`${p}_end_all`, [Number.MAX_SAFE_INTEGER]), `${p}_axes`], [`${p}_b`]);
  g.add('Mul', [`${p}_a`, i64(`${p}_prime`, BIGRAM_PRIME)], [`${p}_a_p`]);
  g.add('Add', [`${p}_a_p`, `${p}_b`], [`${p}_pair`]);
  g.add('Mod', [`${p}_pair`, i64(`${p}_mod`, buckets - 1)], [`${p}_rest`]);
  g.add('Add', [`${p}_rest`, i64(`${p}_one`, 1)], [`${p}_row`]);
  // valid pairs: t < lengths − 1
  g.add('Shape', [`${p}_a`], [`${p}_shape`]);
  g.add('Gather', [`${p}_shape`, i64(`${p}_axis_1`, 1)], [`${p}_pairs`], { axis: 0 }); // L − 1, a scalar
  g.add('Range', [i64(`${p}_zero`, 0), `${p}_pairs`, `${p}_one`], [`${p}_steps`]);
  g.add('Sub', ['lengths', `${p}_one`], [`${p}_len`]); // (N)
  g.add('Unsqueeze', [`${p}_len`, g.int64(`${p}_unsqueeze_axes`, [1])], [`${p}_len_col`]); // (N, 1)
  g.add('Less', [`${p}_steps`, `${p}_len_col`], [`${p}_valid`]); // (N, L − 1)
  g.add('Where', [`${p}_valid`, `${p}_row`, `${p}_zero`], [`${p}_rows`]);
  return `${p}_rows`;
}

/**
 * The `(N, L)` mask `valid` (Range(L) < lengths) and its `(N, L, 1)` form `valid_3d`, with `lengths_col` `(N, 1)`
 * and the int64 constants `zero`, `one`, `axes_1` ([1]); built once, for the pooling and the experts.
 */
function validSteps(g: GraphBuilder): void {
  if (g.produces('valid')) return;
  g.add('Shape', ['ids'], ['ids_shape']);
  g.add('Gather', ['ids_shape', g.int64('one', [1], [])], ['seq_len'], { axis: 0 }); // L, a scalar
  g.add('Range', [g.int64('zero', [0], []), 'seq_len', 'one'], ['steps']); // (L)
  g.add('Unsqueeze', ['lengths', g.int64('axes_1', [1])], ['lengths_col']); // (N, 1)
  g.add('Less', ['steps', 'lengths_col'], ['valid']); // (N, L) bool
  g.add('Unsqueeze', ['valid', g.int64('axes_2', [2])], ['valid_3d']); // (N, L, 1)
}

/**
 * The scaled scores of an expert (table_expert.ts): `<p>.<bias>` + the `<p>.unigram` rows of the valid ids + the
 * `<p>.bigram` rows of the valid pairs (row 0, all zeros, for the others), times the scale. Returns the name of the
 * `(N, C)` scores.
 */
function tableExpert(g: GraphBuilder, p: string, bias: string, buckets: number, scale: number): string {
  for (const k of [`${p}.unigram`, `${p}.bigram`, bias]) {
    const t = g.weight(k);
    g.constant(k, t.data, t.shape);
  }
  validSteps(g);
  g.add('Gather', [`${p}.unigram`, 'ids'], [`${p}_uni_rows`], { axis: 0 }); // (N, L, C); padding reads row 0, masked next
  g.add('Where', ['valid_3d', `${p}_uni_rows`, g.constant('zero_f', Float32Array.of(0), [])], [`${p}_uni_masked`]);
  g.add('ReduceSum', [`${p}_uni_masked`, 'axes_1'], [`${p}_uni`], { keepdims: 0 }); // (N, C)
  const rows = pairRows(g, `${p}p`, buckets);
  g.add('Gather', [`${p}.bigram`, rows], [`${p}_bi_rows`], { axis: 0 }); // (N, L − 1, C)
  g.add('ReduceSum', [`${p}_bi_rows`, `${p}p_unsqueeze_axes`], [`${p}_bi`], { keepdims: 0 }); // (N, C)
  g.add('Add', [`${p}_uni`, `${p}_bi`], [`${p}_tokens`]);
  g.add('Add', [`${p}_tokens`, bias], [`${p}_scores`]);
  g.add('Mul', [`${p}_scores`, g.constant(`${p}.scale`, Float32Array.of(scale), [])], [`${p}_scaled`]);
  return `${p}_scaled`;
}

/** The ONNX file (ModelProto bytes) of `model`. */
export function exportOnnx(model: TextClassifier, options: ExportOnnxOptions = {}): Uint8Array {
  return encodeModel(textClassifierOnnx(model, options));
}

/** Nodes and initializers; `embedding.weight`, `fc.weight` and `fc.bias` become initializers on first use. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly state: Readonly<Record<string, Tensor>>) {
    for (const k of ['embedding.weight', 'fc.weight', 'fc.bias']) {
      const t = this.weight(k);
      this.constant(k, t.data, t.shape);
    }
  }

  weight(key: string): Tensor {
    const t = this.state[key];
    if (t === undefined) throw new RangeError(`exportOnnx: the model has no parameter '${key}'`);
    return t;
  }

  /** Whether a node already computes `output`. */
  produces(output: string): boolean {
    return this.nodes.some((n) => n.outputs.includes(output));
  }

  add(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Record<string, AttributeValue>): void {
    this.nodes.push({ opType, inputs, outputs, name: `${opType}_${this.nodes.length}`, attributes });
  }

  /** A float32 initializer; returns its name. */
  constant(name: string, data: ArrayLike<number>, dims: readonly number[]): string {
    return this.push({ name, dataType: DataType.FLOAT, dims, data: Float32Array.from(data) });
  }

  /** An int64 initializer (`dims` [] for a scalar); returns its name. */
  int64(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.push({ name, dataType: DataType.INT64, dims, data: BigInt64Array.from(values, (v) => BigInt(v)) });
  }

  private push(t: OnnxTensor): string {
    if (!this.names.has(t.name)) {
      this.names.add(t.name);
      this.initializers.push(t);
    }
    return t.name;
  }
}

interface Matrix {
  data: Float32Array;
  /** Row length. */
  cols: number;
}

/**
 * Reorders the G gate blocks (H rows each) of a `(G·H, In)` weight or `(G·H)` bias.
 * @param order - ONNX gate g takes source block order[g]
 */
function reorderGates(t: Tensor, order: readonly number[], H: number): Matrix {
  const G = order.length;
  if (t.shape[0] !== G * H) throw new RangeError(`exportOnnx: expected ${G}·${H} rows, got shape [${t.shape.join(', ')}]`);
  const cols = t.ndim === 2 ? t.shape[1] : 1;
  const block = H * cols;
  const out = new Float32Array(G * block);
  order.forEach((src, dst) => out.set(t.data.subarray(src * block, (src + 1) * block), dst * block));
  return { data: out, cols };
}

/** Concatenates per-direction blocks into one `(D, …)` array. */
function stackDirections(parts: readonly Matrix[]): Matrix {
  return { data: concat(...parts.map((p) => p.data)), cols: parts[0].cols };
}

function concat(...parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
