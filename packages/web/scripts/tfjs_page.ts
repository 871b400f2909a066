/**
 * The TensorFlow.js side of `measure_tfjs.ts`, bundled by it for the browser: the shipped SST-2 model's
 * architecture in TF.js layers (Embedding 14817×64 → bidirectional GRU, hidden 96, all steps → max over time →
 * Dense 2 → softmax) on the backend named by `?backend=` (cpu, wasm or webgl); `?first=` gives the token ids of the
 * first sentence to predict.
 *
 * Like our page, it downloads the shipped model.safetensors (4.1 MB) before its first prediction and takes the
 * embedding table from it; the GRU and output weights are random. TF.js's GRU only applies the reset gate before
 * the recurrent product (Keras `reset_after=False`), PyTorch's after, so the GRU weights could not be PyTorch's
 * anyway; the work per step is the same. `window.tfjsBench` reports to the measuring script.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const V = 14817;
const E = 64;
const H = 96;

interface TfjsBench {
  /** Resolves once the first prediction is made; rejects with the backend's error. */
  ready: Promise<void>;
  /** Milliseconds from the start of page loading to the first prediction. */
  firstPredictionMs: number | null;
  /** The backend TF.js runs on, once ready. */
  backend: string | null;
  /** Class probabilities of one sentence given as token ids. */
  predict(ids: number[]): Float32Array;
}

/** The F32 tensor `name` of a safetensors file (header: 8-byte length, then JSON with data offsets). */
function safetensorsF32(bytes: ArrayBuffer, name: string): Float32Array {
  const n = Number(new DataView(bytes).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, n))) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const entry = header[name];
  if (entry?.dtype !== 'F32') throw new Error(`model.safetensors has no F32 tensor ${name}`);
  const [begin, end] = entry.data_offsets;
  return new Float32Array(bytes.slice(8 + n + begin, 8 + n + end));
}

/** As packages/bench/src/engine_tfjs.ts builds it (PyTorch's init, which also spares the orthogonal initializer's slow QR). */
function build(): tf.LayersModel {
  const model = tf.sequential();
  // The embedding table is replaced by the file's right away: no random initialization for it.
  model.add(tf.layers.embedding({ inputDim: V, outputDim: E, inputShape: [null] as unknown as number[], embeddingsInitializer: 'zeros' }));
  const k = 1 / Math.sqrt(H);
  const init = (): ReturnType<typeof tf.initializers.randomUniform> => tf.initializers.randomUniform({ minval: -k, maxval: k });
  const gru = tf.layers.gru({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', kernelInitializer: init(), recurrentInitializer: init(), biasInitializer: init() });
  model.add(tf.layers.bidirectional({ layer: gru as tf.RNN, mergeMode: 'concat' }));
  model.add(tf.layers.globalMaxPooling1d({}));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  return model;
}

let model: tf.LayersModel | null = null;
const bench: TfjsBench = {
  ready: Promise.resolve(),
  firstPredictionMs: null,
  backend: null,
  predict(ids) {
    if (model === null) throw new Error('the TF.js model is not built yet');
    const m = model;
    return tf.tidy(() => {
      const x = tf.tensor2d(ids.length === 0 ? [0] : ids, [1, Math.max(1, ids.length)], 'int32');
      return (m.predict(x) as tf.Tensor).dataSync() as Float32Array;
    });
  },
};
(window as unknown as { tfjsBench: TfjsBench }).tfjsBench = bench;

/** What the backend runs on: the wasm build (SIMD, threads) or the WebGL renderer (a GPU or software). */
async function backendDetails(backend: string): Promise<string> {
  if (backend === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return ` (${simd === true ? 'SIMD' : 'no SIMD'}, ${threads === true ? 'threads' : 'one thread'})`;
  }
  if (backend === 'webgl') {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl === null || gl === undefined ? '' : ` (WebGL ${tf.env().getNumber('WEBGL_VERSION')}, renderer ${String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER))})`;
  }
  return '';
}

async function start(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const backend = query.get('backend') ?? 'cpu';
  const first = JSON.parse(query.get('first') ?? '[2, 3, 4]') as number[]; // token ids of the first sentence
  setWasmPaths(new URL('./', location.href).href); // the .wasm files are served next to the page
  const weights = fetch('sst2/model.safetensors').then((r) => {
    if (!r.ok) throw new Error(`sst2/model.safetensors: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not initialise its ${backend} backend here`);
  await tf.ready();
  bench.backend = `${tf.getBackend()}${await backendDetails(backend)}`;
  const m = build();
  m.layers[0].setWeights([tf.tensor2d(safetensorsF32(await weights, 'embedding.weight'), [V, E])]);
  model = m;
  bench.predict(first);
  bench.firstPredictionMs = performance.now();
}

bench.ready = start();
bench.ready.catch(() => undefined); // read by the measuring script through `ready`
