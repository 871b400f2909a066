/**
 * Training progress for the terminal: a cli-progress bar per epoch on stderr (running loss, accuracy,
 * tokens/s, ETA; drawn only when stderr is a terminal) and one line per finished epoch on stdout.
 */
import cliProgress from 'cli-progress';
import type { BatchEndInfo, EpochEndInfo, TrainCallbacks } from '../train.js';
import { duration, int, pct } from './format.js';

export interface ProgressOptions {
  /** Whether the run has dev data (the epoch line then shows dev metrics). */
  hasDev: boolean;
  /** Where the bar goes (default stderr) and where epoch lines go (default stdout). */
  barStream?: NodeJS.WriteStream;
  lineStream?: NodeJS.WritableStream;
}

export class TrainingProgress {
  /** Total epochs of the run (known once it has started: `StartInfo.epochs`); shown as `epoch e/epochs`. */
  epochs: number | null = null;
  private bar: cliProgress.SingleBar | null = null;
  private barEpoch = 0;
  private readonly barStream: NodeJS.WriteStream;
  private readonly lineStream: NodeJS.WritableStream;

  constructor(private readonly options: ProgressOptions) {
    this.barStream = options.barStream ?? process.stderr;
    this.lineStream = options.lineStream ?? process.stdout;
  }

  /** The callbacks to pass to `train`. */
  callbacks(): TrainCallbacks {
    return { onBatchEnd: (b) => this.onBatchEnd(b), onEpochEnd: (e) => this.onEpochEnd(e) };
  }

  private onBatchEnd(b: BatchEndInfo): void {
    const payload = {
      epoch: b.epoch,
      epochs: this.epochs ?? '?',
      loss: b.epochLoss.toFixed(4),
      acc: pct(b.epochAccuracy),
      tps: int(b.tokensPerSec),
    };
    if (this.bar === null || this.barEpoch !== b.epoch) {
      this.stop();
      this.bar = new cliProgress.SingleBar(
        {
          // Most important first: a terminal narrower than the line cuts the end.
          format: 'epoch {epoch}/{epochs} |{bar}| {value}/{total} | ETA {eta_formatted} | loss {loss} | acc {acc} | {tps} tok/s',
          stream: this.barStream,
          barsize: 16,
          // Leave the cursor and line wrapping alone (the bar is cut to the terminal width instead), so a
          // Ctrl-C in mid-epoch leaves the terminal as it was.
          hideCursor: false,
          linewrap: true,
          clearOnComplete: true,
          etaBuffer: 50,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.barEpoch = b.epoch;
      this.bar.start(b.stepsPerEpoch, 0, payload);
    }
    this.bar.update(b.step, payload);
  }

  private onEpochEnd(e: EpochEndInfo): void {
    this.stop();
    const parts = [`epoch ${e.epoch}/${this.epochs ?? '?'}`, `loss ${e.trainLoss.toFixed(4)}`, `acc ${pct(e.trainAccuracy)}`];
    if (e.devAccuracy !== null) {
      parts.push(`| dev loss ${e.devLoss === null ? '—' : e.devLoss.toFixed(4)}`, `acc ${pct(e.devAccuracy)}`, `macro-F1 ${pct(e.devMacroF1)}`);
    }
    parts.push(`| lr ${e.lr.toPrecision(3)}`, duration(e.seconds), `${int(e.tokensPerSec)} tok/s`);
    if (e.improved) parts.push('(best so far)');
    if (e.stopping) parts.push(`— stopping early: no dev improvement since epoch ${e.bestEpoch}`);
    this.lineStream.write(`${parts.join('  ')}\n`);
  }

  /** Removes the bar (before printing anything else, and on exit). */
  stop(): void {
    if (this.bar !== null) {
      this.bar.stop();
      this.bar = null;
    }
  }
}
