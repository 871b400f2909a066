/**
 * The page: sentiment of a sentence as you type (the shipped SST-2 model), and training a classifier on a dropped
 * or pasted TSV/CSV in a worker, with a live chart, an evaluation on held-out rows, a box to try the new model and
 * its model directory as a .zip download. `window.recurrent` exposes the same predictions to scripts and tests.
 */
import { gemmBackend, kernelsReady, type GemmBackend } from '@recurrent/nn-core';
import { Classifier, SentimentClassifier, datasetFromExamples, type EpochRecord, type Metrics, type Prediction } from '@recurrent/trainer';
import { liveChartSvg, type StepPoint } from './chart.js';
import { HOLD_OUT_EVERY, UnusableFileError, decodeText, prepareRows, type PreparedRows } from './data.js';
import type { TrainRequest, TrainSettings, WorkerMessage } from './protocol.js';
import { zipStore } from './zip.js';
import './style.css';

/** What the page exposes on `window.recurrent`. */
export interface PageHooks {
  /** Resolves once the shipped model is loaded and the first prediction is shown (rejects if it cannot load). */
  ready: Promise<void>;
  /** Label probabilities of the shipped SST-2 model for `text`. */
  predict(text: string): Record<string, number>;
  /** Label probabilities of the model trained on the page (throws before one is trained). */
  predictTrained(text: string): Record<string, number>;
  /** Milliseconds from the start of page loading to the first prediction on screen. */
  firstPredictionMs: number | null;
  /** The finished training run, or null. */
  training: { history: EpochRecord[]; heldOut: Metrics } | null;
  /** The kernels in use: 'wasm-relaxed-simd' once the WebAssembly build is loaded (see `kernelsReady`). */
  backend(): GemmBackend;
}

const el = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e as T;
};
const pct = (p: number): string => `${(100 * p).toFixed(1)}%`;

/** Label and one bar per class into `box`. */
function showPrediction(box: HTMLElement, p: Prediction): void {
  const rows = Object.entries(p.probs).map(([label, prob]) => {
    const row = document.createElement('div');
    row.className = `bar${label === p.label ? ' best' : ''}`;
    const name = document.createElement('span');
    name.className = 'bar-label';
    name.textContent = label;
    const track = document.createElement('span');
    track.className = 'bar-track';
    const fill = document.createElement('span');
    fill.className = 'bar-fill';
    fill.style.width = pct(prob);
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'bar-value';
    value.textContent = pct(prob);
    value.dataset.prob = String(prob);
    row.append(name, track, value);
    return row;
  });
  const head = document.createElement('div');
  head.className = 'verdict';
  head.textContent = p.label;
  box.replaceChildren(head, ...rows);
}

function showError(box: HTMLElement, message: string): void {
  box.textContent = message;
  box.hidden = false;
}

// ---- The shipped model -------------------------------------------------------------------------------------

let sst2: Classifier | null = null;
let trained: Classifier | null = null;

const hooks: PageHooks = {
  ready: Promise.resolve(),
  predict(text) {
    if (sst2 === null) throw new Error('the SST-2 model is not loaded yet');
    return sst2.predict(text).probs;
  },
  predictTrained(text) {
    if (trained === null) throw new Error('no model has been trained on this page yet');
    return trained.predict(text).probs;
  },
  firstPredictionMs: null,
  training: null,
  backend: gemmBackend,
};
(window as unknown as { recurrent: PageHooks }).recurrent = hooks;

async function loadShipped(): Promise<void> {
  const status = el('sst2-status');
  const input = el<HTMLInputElement>('sentence');
  const result = el('sst2-result');
  try {
    // The kernels are fetched and compiled while the model downloads.
    [sst2] = await Promise.all([SentimentClassifier.load(new URL('sst2/', location.href)), kernelsReady()]);
  } catch (err) {
    status.className = 'status error';
    status.textContent = `The SST-2 model could not be loaded: ${(err as Error).message}`;
    throw err;
  }
  const clf = sst2;
  const update = (): void => {
    if (input.value.trim() === '') result.replaceChildren();
    else showPrediction(result, clf.predict(input.value));
  };
  update();
  hooks.firstPredictionMs = performance.now();
  status.textContent = `SST-2 model loaded; first prediction ${hooks.firstPredictionMs.toFixed(0)} ms after the page started loading.`;
  input.addEventListener('input', update);
  input.disabled = false;
}

// ---- Training on the user's data -------------------------------------------------------------------------------

let data: { name: string; rows: PreparedRows } | null = null;
let worker: Worker | null = null;

function useText(text: string, name: string): void {
  const error = el('data-error');
  const summary = el('data-summary');
  error.hidden = true;
  summary.hidden = true;
  el('train-panel').hidden = true;
  try {
    const rows = prepareRows(text, name);
    data = { name, rows };
    const counts = rows.labels.map((l) => `${l} (${rows.counts[l]})`).join(', ');
    summary.textContent =
      `${name}: ${rows.train.length + rows.heldOut.length} examples (${rows.format.toUpperCase()}), ${rows.labels.length} labels: ${counts}. ` +
      `Every ${HOLD_OUT_EVERY}th row is held out for evaluation: ${rows.train.length} rows to train on, ${rows.heldOut.length} held out.`;
    summary.hidden = false;
    el('train-panel').hidden = false;
    el<HTMLButtonElement>('train').disabled = false;
  } catch (err) {
    data = null;
    showError(error, err instanceof UnusableFileError ? err.message : `${name} could not be read: ${(err as Error).message}`);
  }
}

async function useFile(file: File): Promise<void> {
  try {
    useText(decodeText(new Uint8Array(await file.arrayBuffer()), file.name), file.name);
  } catch (err) {
    data = null;
    el('train-panel').hidden = true;
    el('data-summary').hidden = true;
    showError(el('data-error'), err instanceof UnusableFileError ? err.message : `${file.name} could not be read: ${(err as Error).message}`);
  }
}

function readSettings(): TrainSettings {
  const num = (id: string): number => Number(el<HTMLInputElement>(id).value);
  return { epochs: num('epochs'), embeddingDim: num('embedding-dim'), hiddenSize: num('hidden-size'), batchSize: num('batch-size'), lr: num('lr') };
}

function startTraining(): void {
  if (data === null) return;
  const { name, rows } = data;
  const settings = readSettings();
  const progress = el('progress');
  const chart = el('chart');
  const trainError = el('train-error');
  trainError.hidden = true;
  el('results').hidden = true;
  el<HTMLButtonElement>('train').disabled = true;
  trained = null;
  hooks.training = null;
  worker?.terminate();
  worker = new Worker(new URL('./train_worker.ts', import.meta.url), { type: 'module' });
  const points: StepPoint[] = [];
  let drawn = false;
  let stepsPerEpoch = 1;
  const draw = (): void => {
    drawn = false;
    chart.innerHTML = liveChartSvg(points, stepsPerEpoch * settings.epochs, stepsPerEpoch);
  };
  progress.textContent = 'Starting…';
  const fail = (message: string): void => {
    showError(trainError, message);
    progress.textContent = 'Training stopped.';
    el<HTMLButtonElement>('train').disabled = false;
    worker?.terminate();
    worker = null;
  };
  worker.onerror = (e) => fail(`Training failed: ${e.message || 'the worker could not start'}`);
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
    const m = e.data;
    if (m.type === 'batch') {
      stepsPerEpoch = m.stepsPerEpoch;
      points.push({ globalStep: m.globalStep, loss: m.loss, accuracy: m.epochAccuracy });
      progress.textContent = `Epoch ${m.epoch}/${settings.epochs}, step ${m.step}/${m.stepsPerEpoch}: loss ${m.epochLoss.toFixed(3)}, training accuracy ${pct(m.epochAccuracy)}`;
      if (!drawn) {
        drawn = true;
        requestAnimationFrame(draw);
      }
    } else if (m.type === 'error') {
      fail(m.message);
    } else if (m.type === 'done') {
      draw();
      worker?.terminate();
      worker = null;
      void finish(name, rows, m.files, m.history).catch((err: Error) => fail(`Evaluation failed: ${err.message}`));
    }
  };
  const request: TrainRequest = { type: 'train', rows: rows.train, settings, name };
  worker.postMessage(request);
}

async function finish(name: string, rows: PreparedRows, files: Record<string, Uint8Array | string>, history: EpochRecord[]): Promise<void> {
  const clf = await Classifier.fromFiles(files, name);
  const { metrics } = await clf.evaluate(datasetFromExamples(rows.heldOut, 'held-out rows'));
  trained = clf;
  const last = history[history.length - 1];
  el('progress').textContent = `Done: ${history.length} epochs, final training loss ${last.trainLoss.toFixed(3)} (first epoch ${history[0].trainLoss.toFixed(3)}).`;
  el('accuracy').textContent = `Accuracy on the ${metrics.n} held-out rows: ${pct(metrics.accuracy)} (macro-F1 ${metrics.macroF1.toFixed(3)})`;
  const body = el('per-class');
  body.replaceChildren(
    ...metrics.perClass.map((c) => {
      const tr = document.createElement('tr');
      for (const v of [c.label, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), String(c.support)]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }),
  );
  const tryInput = el<HTMLInputElement>('try-input');
  tryInput.value = rows.heldOut[0].text;
  const tryUpdate = (): void => {
    if (tryInput.value.trim() === '') el('try-result').replaceChildren();
    else showPrediction(el('try-result'), clf.predict(tryInput.value));
  };
  tryInput.oninput = tryUpdate;
  tryUpdate();
  const base = name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'model';
  el('download').onclick = () => {
    const dir = `${base}-model`;
    const zip = zipStore(Object.fromEntries(Object.entries(clf.toFiles()).map(([f, v]) => [`${dir}/${f}`, v])));
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([zip], { type: 'application/zip' }));
    a.download = `${dir}.zip`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  };
  el('results').hidden = false;
  el<HTMLButtonElement>('train').disabled = false;
  hooks.training = { history, heldOut: metrics };
}

function wireData(): void {
  const drop = el('drop');
  const file = el<HTMLInputElement>('file');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer?.files[0];
    if (f !== undefined) void useFile(f);
  });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f !== undefined) void useFile(f);
    file.value = '';
  });
  el('use-paste').addEventListener('click', () => {
    const text = el<HTMLTextAreaElement>('paste').value;
    try {
      useText(decodeText(new TextEncoder().encode(text), 'pasted data'), 'pasted data');
    } catch (err) {
      showError(el('data-error'), (err as Error).message);
    }
  });
  el('train').addEventListener('click', startTraining);
}

// Unexpected errors are shown in #page-error by the handlers index.html installs before this module runs.
wireData();
hooks.ready = loadShipped();
hooks.ready.catch(() => undefined); // shown in the status line; the promise stays rejected for scripts
