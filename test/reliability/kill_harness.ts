/**
 * Crash safety: trains the tiny run (tiny_run.ts) in subprocesses and kills them with SIGKILL at seeded random
 * moments, most of them inside the checkpoint write at the end of an epoch (epochs take ~1 ms, writes ~10 ms).
 * After every kill the model directory must be absent (nothing committed yet) or exactly the checkpoint of one
 * epoch of an uninterrupted reference run — the last one reported or the next — with config, weights, vocab,
 * metrics and training state all of that epoch (files compared byte for byte with the reference). The next
 * subprocess resumes with `resume: true`; at the end the run finishes and its loss history must equal the
 * reference bit for bit.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSafetensors } from '@recurrent/nn-core';
import { loadModel, loadTrainingState, ModelFormatError, train, type EpochRecord } from '@recurrent/trainer';
import { tinyRun } from './tiny_run.js';

const CHILD = fileURLToPath(new URL('./train_child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface KillReport {
  kills: number;
  /** Kills after which temporary files of an unfinished write were found in the directory. */
  killsDuringWrite: number;
  /** Kills after which the directory held no checkpoint yet. */
  absent: number;
  /** Kills after which the directory held the checkpoint of the last reported epoch / of the next one. */
  previous: number;
  next: number;
  /** Problems found (empty when every check passed). */
  problems: string[];
  epochs: number;
  /** Whether the final, resumed history equals the uninterrupted run's bit for bit. */
  resumeIdentical: boolean;
  seconds: number;
}

interface Reference {
  history: EpochRecord[];
  /** model.safetensors and training_state.safetensors bytes after each epoch (index = epoch). */
  weights: Buffer[];
  state: Buffer[];
}

async function reference(epochs: number): Promise<Reference> {
  const dir = await mkdtemp(join(tmpdir(), 'kill-ref-'));
  const ref: Reference = { history: [], weights: [], state: [] };
  try {
    const r = await train({ ...tinyRun(epochs), out: dir }, {
      onEpochEnd: (e) => {
        // The epoch's files are on disk when onEpochEnd runs; read them before the next epoch overwrites them.
        // (onEpochEnd is synchronous, hence readFileSync.)
        ref.weights[e.epoch] = readFileSync(join(dir, 'model.safetensors'));
        ref.state[e.epoch] = readFileSync(join(dir, 'training_state.safetensors'));
      },
    });
    ref.history = r.history;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return ref;
}

/** mulberry32: the seeded kill schedule (the library's Generator is for tensors). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChildRun {
  /** Epochs the child reported as finished (their checkpoints were written). */
  reported: number[];
  /** Milliseconds from the child's 'start' line to each reported epoch. */
  times: number[];
  killed: boolean;
  code: number | null;
  stderr: string;
}

/** Runs one child; with a plan, SIGKILLs it `delayMs` after its `afterEpochs`-th reported epoch (0: after start). */
function runChild(dir: string, epochs: number, resume: boolean, plan: { afterEpochs: number; delayMs: number } | null): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', CHILD, dir, String(epochs), ...(resume ? ['--resume'] : [])];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { reported: [], times: [], killed: false, code: null, stderr: '' };
    let started = 0;
    let buffered = '';
    let seen = 0;
    let armed = false;
    const arm = (): void => {
      if (plan === null || armed) return;
      armed = true;
      setTimeout(() => {
        run.killed = child.kill('SIGKILL');
      }, plan.delayMs);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line === 'start') started = performance.now();
        if (line.startsWith('{')) {
          run.reported.push((JSON.parse(line) as { epoch: number }).epoch);
          run.times.push(performance.now() - started);
          seen++;
        }
        if ((line === 'start' && plan?.afterEpochs === 0) || (line.startsWith('{') && seen === plan?.afterEpochs)) arm();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      run.stderr += s;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      run.code = code;
      run.killed = signal === 'SIGKILL';
      resolve(run);
    });
  });
}

/** What the directory holds after a kill: no checkpoint (0) or the epoch of a consistent one; throws on corruption. */
async function inspect(dir: string, ref: Reference): Promise<number> {
  let state;
  try {
    state = await loadTrainingState(dir);
  } catch (err) {
    if (!(err instanceof ModelFormatError && err.code === 'missing-file')) throw err;
    const config = await readFile(join(dir, 'config.json')).then(
      () => true,
      () => false,
    );
    if (config) throw new Error(`config.json exists without a training state (${err.message})`);
    return 0;
  }
  const e = state.state.epoch;
  const loaded = await loadModel(dir); // config, vocab and weights load and fit together
  const metrics = loaded.metrics as { history: EpochRecord[] } | null;
  const problems: string[] = [];
  if (metrics === null || metrics.history.length !== e) problems.push(`metrics.json has ${metrics?.history.length ?? 'no'} epochs, training_state.json says ${e}`);
  const losses = (h: EpochRecord[]): string => JSON.stringify(h.map((r) => [r.trainLoss, r.devLoss]));
  if (metrics !== null && losses(metrics.history) !== losses(ref.history.slice(0, e))) problems.push('metrics.json losses differ from the reference run');
  if (losses(state.state.history as unknown as EpochRecord[]) !== losses(ref.history.slice(0, e))) problems.push('training_state.json losses differ from the reference run');
  if (!(await readFile(join(dir, 'model.safetensors'))).equals(ref.weights[e])) problems.push(`model.safetensors is not the reference's of epoch ${e}`);
  const stateBytes = await readFile(join(dir, 'training_state.safetensors'));
  if (!stateBytes.equals(ref.state[e])) problems.push(`training_state.safetensors is not the reference's of epoch ${e} (${differingTensors(stateBytes, ref.state[e])})`);
  if (problems.length > 0) throw new Error(`epoch ${e}: ${problems.join('; ')}`);
  return e;
}

/** Names of the tensors whose bits differ between two safetensors files, for failure messages. */
function differingTensors(a: Uint8Array, b: Uint8Array): string {
  const x = parseSafetensors(a).tensors;
  const y = parseSafetensors(b).tensors;
  const names = Object.keys(x).filter((k) => y[k] === undefined || x[k].data.some((v, i) => !Object.is(v, y[k].data[i])));
  return names.length === 0 ? 'same tensors, different layout' : `differing: ${names.join(', ')}`;
}

export async function killCampaign(options: { kills: number; seed: number }): Promise<KillReport> {
  const t0 = performance.now();
  const random = rng(options.seed);
  // Each life commits at most ~2 epochs before its kill: leave room so no child finishes before the last kill.
  const epochs = 2 * options.kills + 10;
  const ref = await reference(epochs);
  const dir = join(await mkdtemp(join(tmpdir(), 'kill-')), 'model');
  const report: KillReport = { kills: 0, killsDuringWrite: 0, absent: 0, previous: 0, next: 0, problems: [], epochs, resumeIdentical: false, seconds: 0 };
  let committed = 0;
  // Estimates of one epoch (compute + checkpoint) and of start-up to the first checkpoint in a child, refined as children report.
  let epochMs = 15;
  let firstMs = 100;
  try {
    while (report.kills < options.kills) {
      // Every 10th life starts over in an empty directory and is killed around its first checkpoint.
      const fresh = report.kills > 0 && report.kills % 10 === 0;
      if (fresh) {
        await rm(dir, { recursive: true, force: true });
        committed = 0;
      }
      // Kill after 0–2 reported epochs, a random fraction of an epoch later: mostly inside a checkpoint write.
      const afterEpochs = fresh ? 0 : Math.floor(random() * 3);
      const delayMs = random() * (afterEpochs === 0 ? firstMs * 1.3 : epochMs * 1.2);
      const run = await runChild(dir, epochs, committed > 0, { afterEpochs, delayMs });
      if (!run.killed) {
        report.problems.push(`a child exited by itself (code ${run.code}) before its kill: ${run.stderr.slice(0, 500)}`);
        break;
      }
      if (run.times.length >= 1) firstMs = run.times[0];
      if (run.times.length >= 2) epochMs = (run.times.at(-1)! - run.times[0]) / (run.times.length - 1);
      report.kills++;
      const names = await readdir(dir).catch(() => [] as string[]);
      if (names.some((n) => n.startsWith('.'))) report.killsDuringWrite++;
      const lastReported = run.reported.at(-1) ?? committed;
      try {
        const e = await inspect(dir, ref);
        if (e === 0) {
          if (committed > 0 || run.reported.length > 0) throw new Error(`no checkpoint after epoch ${Math.max(committed, lastReported)} was written`);
          report.absent++;
        } else if (e === lastReported) report.previous++;
        else if (e === lastReported + 1) report.next++;
        else throw new Error(`checkpoint of epoch ${e}, but the last reported epoch was ${lastReported}`);
        committed = e;
      } catch (err) {
        report.problems.push(`kill ${report.kills} (after ${run.reported.length} reported epochs + ${delayMs.toFixed(1)} ms): ${(err as Error).message}`);
        break;
      }
    }
    if (report.problems.length === 0) {
      const last = await runChild(dir, epochs, committed > 0, null);
      if (last.code !== 0) report.problems.push(`the final resumed run failed (code ${last.code}): ${last.stderr.slice(0, 500)}`);
      else {
        const final = await loadTrainingState(dir);
        const bits = (h: EpochRecord[]): string => JSON.stringify(h.map((r) => [r.epoch, r.trainLoss, r.trainAccuracy, r.devLoss, r.devAccuracy]));
        report.resumeIdentical = bits(final.state.history as unknown as EpochRecord[]) === bits(ref.history) && (await inspect(dir, ref)) === epochs;
        if (!report.resumeIdentical) report.problems.push('the resumed run’s history differs from the uninterrupted run');
      }
    }
  } finally {
    await rm(join(dir, '..'), { recursive: true, force: true });
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}
