/**
 * What `pnpm bench` runs: the model configs of issue 7 and the measuring settings shared by every engine.
 *
 * One model per config: Embedding(V, E) → RNN layer (batch-first) → Linear(D·H, 2) on the last layer's final
 * hidden state(s) → logSoftmax → nllLoss, trained with Adam (lr 1e-3) on random token batches from a seeded
 * generator. The same JSON is passed to every engine's child process (ours, PyTorch, TF.js).
 */

/** Recurrent layer kind: nn.LSTM, nn.GRU or nn.RNN (tanh). */
export type CellKind = 'lstm' | 'gru' | 'rnn';

/** One model and batch shape. Letters as in the glossary: V vocabulary, E embedding, H hidden, N batch, L length. */
export interface BenchConfig {
  name: string;
  cell: CellKind;
  V: number;
  E: number;
  H: number;
  numLayers: number;
  bidirectional: boolean;
  /** Training batch size. */
  N: number;
  /** Training sequence length. */
  L: number;
}

const A: BenchConfig = { name: 'A', cell: 'lstm', V: 20000, E: 128, H: 128, numLayers: 1, bidirectional: false, N: 64, L: 64 };

/** Every config, in the order they are run and reported. */
export const CONFIGS: readonly BenchConfig[] = [
  A,
  { name: 'B', cell: 'lstm', V: 20000, E: 128, H: 256, numLayers: 2, bidirectional: true, N: 32, L: 128 },
  { name: 'C', cell: 'lstm', V: 20000, E: 64, H: 64, numLayers: 1, bidirectional: false, N: 32, L: 32 },
  { ...A, name: 'A-GRU', cell: 'gru' },
  { ...A, name: 'A-RNN', cell: 'rnn' },
];

/** Measuring settings sent to each child process. */
export interface RunSettings {
  /** Timed training steps (after the warm-up). */
  steps: number;
  warmup: number;
  /** Wall-clock budget for the timed training steps, ms: fewer steps are timed when it runs out. */
  trainBudgetMs: number;
  /** Single-sentence inference (N 1, L 20): at most this many timed runs, within inferBudgetMs. */
  inferSingleRuns: number;
  /** Batch inference (N 256, L 32): at most this many timed runs, within inferBudgetMs. */
  inferBatchRuns: number;
  inferBudgetMs: number;
  seed: number;
}

/** Shapes of the two inference measurements. */
export const INFER_SINGLE = { N: 1, L: 20 } as const;
export const INFER_BATCH = { N: 256, L: 32 } as const;

/** Learning rate of every engine's Adam. */
export const LR = 1e-3;

/** Number of float32 parameters of a config's model (PyTorch's layout: two bias vectors per layer and direction). */
export function parameterCount(c: BenchConfig): number {
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  const D = c.bidirectional ? 2 : 1;
  let n = c.V * c.E;
  for (let k = 0; k < c.numLayers; k++) {
    const inSize = k === 0 ? c.E : D * c.H;
    n += D * (G * c.H * inSize + G * c.H * c.H + 2 * G * c.H);
  }
  return n + 2 * D * c.H + 2;
}

/** Theoretical training memory in bytes (float32), by component. */
export interface MemoryTheory {
  parameters: number;
  gradients: number;
  adamState: number;
  activations: number;
  /** parameters + Adam state + saved activations (gradients are listed but not included, as in the target). */
  total: number;
}

/**
 * Theoretical training memory of a config: parameters, their gradients, Adam's two moments, and an estimate of
 * the activations a training step must keep for backward: the embedded input `(N, L, E)`, and per layer, direction
 * and time step the four LSTM gate activations (three for GRU, one for RNN) plus the cell state and the hidden
 * output, `(N, H)` each.
 */
export function memoryTheory(c: BenchConfig): MemoryTheory {
  const P = parameterCount(c);
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  const perStep = c.cell === 'lstm' ? G + 2 : G + 1; // gates + (c and h) or gates + h
  const D = c.bidirectional ? 2 : 1;
  const floats = c.N * c.L * c.E + c.numLayers * D * c.L * c.N * c.H * perStep;
  const parameters = 4 * P;
  const adamState = 2 * parameters;
  const activations = 4 * floats;
  return { parameters, gradients: parameters, adamState, activations, total: parameters + adamState + activations };
}
