#!/usr/bin/env node
/**
 * `pnpm train [options]`: trains a text classifier with the library's `train()`; with no options, the default
 * recipe on the bundled SST-2 into runs/sst2-gru.
 *
 * Every argument and input file is checked before anything is created: a bad value, a missing, empty,
 * non-UTF-8 or malformed file, a label of the dev set unseen in training, or an --out that already holds a
 * model (without --resume or --force) exits with code 2 and one sentence, and writes nothing.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { MODEL_FILES } from '../checkpoint.js';
import { DEFAULT_ARCHITECTURE, MAX_BIGRAM_BUCKETS, resolveConfig, type CellType, type Pooling, type TextClassifierConfig } from '../model.js';
import { defaultRecipe, SST2_DIR, SST2_LABEL_NAMES } from '../recipe.js';
import { savedTrainOptions, stripUndefined } from '../options.js';
import { DEFAULT_TRAIN_OPTIONS, train, type EmbeddingCoverage, type LrSchedule, type StartInfo, type TrainOptions, type TrainResult } from '../train.js';
import { TRAINING_BUDGET, trainingBudget } from '../budget.js';
import { readSavedRun, type SavedRun } from '../training_state.js';
import { encodeLabels, sortLabels } from '../data/labels.js';
import type { Dataset } from '../data/read.js';
import {
  parseCliArgs,
  readChoice,
  readFlag,
  readInt,
  readIntOrNone,
  readLabelNames,
  readNumber,
  readNumberOrNone,
  readString,
  UsageError,
  type ParsedArgs,
} from './args.js';
import { checkFile, exists, readDataFile } from './files.js';
import { duration, int, pct } from './format.js';
import { TrainingProgress } from './progress.js';
import { cmd } from './command.js';
import { runCli } from './run.js';

const A = DEFAULT_ARCHITECTURE;
/** Whether the SST-2 data of the default run is here (in a checkout of the repository; not in the installed package). */
const HAS_SST2 = existsSync(join(SST2_DIR, 'train.tsv'));
const T = DEFAULT_TRAIN_OPTIONS;
const B = TRAINING_BUDGET;

const USAGE = `Usage: ${cmd.train} [options]

Trains a recurrent text classifier. ${
  HAS_SST2
    ? `With no options: the default recipe on the bundled SST-2
(data/sst2/train.tsv, validated on data/sst2/dev.tsv), saved to runs/sst2-gru.`
    : `Give it your data with --train FILE (and --dev FILE to keep the best
epoch and stop early), e.g. ${cmd.train} --train reviews.tsv --dev reviews-dev.tsv --out runs/reviews`
}

Data:
  --train FILE             training data: .tsv or .csv with a header row, or .jsonl (${HAS_SST2 ? 'default: bundled SST-2' : 'required'})
  --dev FILE               validation data, for the best epoch and early stopping
                           (default: ${HAS_SST2 ? 'SST-2 dev.tsv when --train is not given, else ' : ''}none)
  --text-col NAME          text column or JSON key (default: sentence, then text)
  --label-col NAME         label column or JSON key (default: label)
  --label-names L=NAME,..  display names of the labels, e.g. 0=negative,1=positive${HAS_SST2 ? " (SST-2's without --train)" : ''}
  --skip-bad-rows          leave malformed rows out and report them, instead of stopping at the first one
  --max-length N           keep the first N tokens of each text (default: all)
  --min-freq N             vocabulary: tokens seen at least N times in the training texts (default 1)
  --max-vocab N            vocabulary: at most N entries, the most frequent (default: no limit)
Model:
  --cell lstm|gru|rnn      recurrent cell (default ${A.cell})
  --embedding-dim N        E (default ${A.embeddingDim}; with --embeddings, the file's)
  --embeddings FILE        start from pretrained word vectors: a word2vec, GloVe or fastText text file
                           (.txt or .vec, optionally gzipped); words it lacks keep a random start
  --freeze-embeddings      keep those vectors fixed during training
  --hidden-size N          H (default ${A.hiddenSize})
  --num-layers N           stacked recurrent layers (default ${A.numLayers})
  --bidirectional, --no-bidirectional   (default ${A.bidirectional ? 'bidirectional' : 'one direction'})
  --pooling last|mean|max  how the outputs become one vector (default ${A.pooling})
  --dropout P              dropout before the output layer, 0 ≤ P < 1 (default ${A.dropout})
  --embedding-dropout P    dropout on the embeddings (default ${A.embeddingDropout})
  --word-dropout P         in training, each token becomes <unk> with probability P, so that the vector of
                           words unseen in training is learned too (default ${A.wordDropout})
  --rare-word-dropout A    in training, a token seen c times also becomes <unk> with probability A / (A + c):
                           mostly rare words, as those unseen at prediction time (default ${A.rareWordDropout}; try 0.25)
  --rnn-dropout P          dropout between recurrent layers, needs --num-layers > 1 (default ${A.rnnDropout})
  --bigram-buckets N       add a bag of hashed bigrams of N rows beside the recurrent layer: the mean of a
                           text's consecutive-token-pair rows joins the pooled features (default ${A.bigramBuckets}: none;
                           131072 is a good start for short texts)
  --bigram-dim N           size of those rows (default ${A.bigramDim})
  --nb-buckets N           naive Bayes expert: multinomial naive Bayes over the tokens and consecutive-token
                           pairs (pairs hashed into N rows), counted from the training data and added to the
                           network's scores with a weight fitted on the dev set (default ${A.nbBuckets}; 0: none)
  --nb-alpha X             its Laplace smoothing (default ${A.nbAlpha})
  --linear-buckets N       linear expert: logistic regression over the same tokens and pairs (hashed into N
                           rows), trained on the training data when the run starts and added to the network's
                           scores with a weight fitted on the dev set with the naive Bayes one (default
                           ${A.linearBuckets}; 0: none)
  --linear-epochs N        its epochs of SGD (default ${A.linearEpochs})
  --linear-lr X            its initial learning rate, falling linearly to 0 (default ${A.linearLr})
Training:
  --epochs N               (default: at least ${B.minEpochs}, and at least ${B.minSteps} optimizer steps; with
                           --resume, the total to reach)
  --batch-size N           (default ${T.batchSize})
  --lr X                   learning rate (default ${T.lr})
  --optimizer adam|adamw   (default ${T.optimizer})
  --weight-decay X         (default 0 for adam, 0.01 for adamw)
  --lr-schedule none|cosine|step|plateau   (default ${T.lrSchedule})
  --clip-grad-norm X|none  max gradient norm (default ${T.clipGradNorm})
  --patience N|none        epochs without dev improvement before stopping (default: ${B.patienceEpochs}
                           epochs or ${B.patienceSteps} optimizer steps, whichever is longer)
  --seed N                 (default ${T.seed})
Output:
  --out DIR                model directory (default: runs/<data>-<cell>, e.g. runs/sst2-gru)
  --resume                 continue the run saved in --out (training options not given are taken
                           from it; pass the same --train and --dev as the first time)
  --force                  overwrite a model already in --out
  --verbose                list every skipped row; print stack traces with errors
  -h, --help               show this help

Exit codes: 0 success; 1 unexpected error; 2 bad arguments or input (one sentence on stderr, nothing
written). Ctrl-C stops at once; the last finished epoch stays saved, and --resume continues from it.`;

const OPTIONS = {
  train: { type: 'string' },
  dev: { type: 'string' },
  'text-col': { type: 'string' },
  'label-col': { type: 'string' },
  'label-names': { type: 'string' },
  'skip-bad-rows': { type: 'boolean' },
  'max-length': { type: 'string' },
  'min-freq': { type: 'string' },
  'max-vocab': { type: 'string' },
  cell: { type: 'string' },
  'embedding-dim': { type: 'string' },
  'hidden-size': { type: 'string' },
  'num-layers': { type: 'string' },
  bidirectional: { type: 'boolean' },
  pooling: { type: 'string' },
  dropout: { type: 'string' },
  'embedding-dropout': { type: 'string' },
  'word-dropout': { type: 'string' },
  'rare-word-dropout': { type: 'string' },
  'bigram-buckets': { type: 'string' },
  'bigram-dim': { type: 'string' },
  'nb-buckets': { type: 'string' },
  'nb-alpha': { type: 'string' },
  'linear-buckets': { type: 'string' },
  'linear-epochs': { type: 'string' },
  'linear-lr': { type: 'string' },
  'rnn-dropout': { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  'weight-decay': { type: 'string' },
  'lr-schedule': { type: 'string' },
  'clip-grad-norm': { type: 'string' },
  patience: { type: 'string' },
  seed: { type: 'string' },
  embeddings: { type: 'string' },
  'freeze-embeddings': { type: 'boolean' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  force: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Architecture = Partial<Omit<TextClassifierConfig, 'vocabSize' | 'numClasses'>>;

/** The flag of each architecture field, for messages. */
const ARCH_FLAGS: Partial<Record<keyof Architecture, string>> = {
  cell: '--cell',
  embeddingDim: '--embedding-dim',
  hiddenSize: '--hidden-size',
  numLayers: '--num-layers',
  bidirectional: '--bidirectional',
  pooling: '--pooling',
  dropout: '--dropout',
  embeddingDropout: '--embedding-dropout',
  wordDropout: '--word-dropout',
  rareWordDropout: '--rare-word-dropout',
  rnnDropout: '--rnn-dropout',
  bigramBuckets: '--bigram-buckets',
  bigramDim: '--bigram-dim',
  nbBuckets: '--nb-buckets',
  nbAlpha: '--nb-alpha',
  linearBuckets: '--linear-buckets',
  linearEpochs: '--linear-epochs',
  linearLr: '--linear-lr',
};

const probability = { min: 0, maxExclusive: 1, expected: 'a probability from 0 up to (not including) 1' };

function readArchitecture(v: ParsedArgs['values']): Architecture {
  const arch: Architecture = {
    cell: readChoice<CellType>(v, 'cell', ['lstm', 'gru', 'rnn']),
    embeddingDim: readInt(v, 'embedding-dim', 1),
    hiddenSize: readInt(v, 'hidden-size', 1),
    numLayers: readInt(v, 'num-layers', 1),
    bidirectional: readFlag(v, 'bidirectional'),
    pooling: readChoice<Pooling>(v, 'pooling', ['last', 'mean', 'max']),
    dropout: readNumber(v, 'dropout', probability),
    embeddingDropout: readNumber(v, 'embedding-dropout', probability),
    wordDropout: readNumber(v, 'word-dropout', probability),
    rareWordDropout: readNumber(v, 'rare-word-dropout', { min: 0, expected: 'a number ≥ 0' }),
    rnnDropout: readNumber(v, 'rnn-dropout', probability),
    bigramBuckets: readInt(v, 'bigram-buckets', 0, MAX_BIGRAM_BUCKETS),
    bigramDim: readInt(v, 'bigram-dim', 1),
    nbBuckets: readInt(v, 'nb-buckets', 0, MAX_BIGRAM_BUCKETS),
    nbAlpha: readNumber(v, 'nb-alpha', { min: 0, minExclusive: true, expected: 'a positive number' }),
    linearBuckets: readInt(v, 'linear-buckets', 0, MAX_BIGRAM_BUCKETS),
    linearEpochs: readInt(v, 'linear-epochs', 1),
    linearLr: readNumber(v, 'linear-lr', { min: 0, minExclusive: true, expected: 'a positive number' }),
  };
  for (const k of ['linearEpochs', 'linearLr'] as const) {
    if (arch[k] !== undefined && (arch.linearBuckets ?? A.linearBuckets) === 0) {
      throw new UsageError(`${ARCH_FLAGS[k]} ${arch[k]} trains the linear expert, which --linear-buckets 0 turns off`);
    }
  }
  if (arch.nbAlpha !== undefined && (arch.nbBuckets ?? A.nbBuckets) === 0) {
    throw new UsageError(`--nb-alpha ${arch.nbAlpha} smooths the naive Bayes expert, which --nb-buckets 0 turns off`);
  }
  if (arch.bigramDim !== undefined && (arch.bigramBuckets ?? A.bigramBuckets) === 0) {
    throw new UsageError(`--bigram-dim ${arch.bigramDim} sizes the rows of a bigram bag, so it needs --bigram-buckets N (N ≥ 2)`);
  }
  if ((arch.rnnDropout ?? 0) > 0 && (arch.numLayers ?? A.numLayers) === 1) {
    throw new UsageError(`--rnn-dropout ${arch.rnnDropout} acts between recurrent layers, so it needs --num-layers 2 or more`);
  }
  try {
    resolveConfig({ vocabSize: 2, numClasses: 2, ...arch }); // the library's own check, before any work
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return arch;
}

/** Training options from the flags (undefined = not given). */
function readTraining(v: ParsedArgs['values']): Partial<TrainOptions> {
  return {
    epochs: readInt(v, 'epochs', 1),
    batchSize: readInt(v, 'batch-size', 1),
    lr: readNumber(v, 'lr', { min: 0, minExclusive: true, expected: 'a positive number' }),
    optimizer: readChoice(v, 'optimizer', ['adam', 'adamw'] as const),
    weightDecay: readNumber(v, 'weight-decay', { min: 0, expected: 'a number ≥ 0' }),
    lrSchedule: readChoice<LrSchedule>(v, 'lr-schedule', ['none', 'cosine', 'step', 'plateau']),
    clipGradNorm: readNumberOrNone(v, 'clip-grad-norm', { min: 0, minExclusive: true, expected: "a positive number or 'none'" }),
    patience: readIntOrNone(v, 'patience', 1),
    seed: readInt(v, 'seed', Number.MIN_SAFE_INTEGER),
  };
}

/** Without --resume: --out must not hold a model already, unless --force. */
async function checkFreshOut(out: string, force: boolean): Promise<void> {
  const s = await stat(out).catch(() => null);
  if (s === null) return;
  if (!s.isDirectory()) throw new UsageError(`--out ${out} is a file, expected a directory (or a path that does not exist yet)`);
  const held = (await exists(join(out, MODEL_FILES.config))) || (await exists(join(out, MODEL_FILES.state)));
  if (held && !force) {
    throw new UsageError(`--out ${out} already holds a model; pass --resume to continue it, --force to overwrite it, or choose another --out`);
  }
}

/** With --resume: the saved run in --out (its state and config), checked against the flags given now. */
async function readResumable(out: string, arch: Architecture, epochs: number | undefined): Promise<SavedRun> {
  if (!(await exists(join(out, MODEL_FILES.state)))) throw new UsageError(`--resume: ${out} has no saved run to continue (no ${MODEL_FILES.state})`);
  const saved = await readSavedRun(out);
  const { architecture } = saved.config;
  for (const [key, flag] of Object.entries(ARCH_FLAGS) as [keyof Architecture, string][]) {
    const given = arch[key];
    if (given !== undefined && given !== architecture[key]) {
      throw new UsageError(`${flag} ${String(given)} differs from the saved run's ${key} ${String(architecture[key])}; a resumed run keeps its architecture`);
    }
  }
  const { epoch, stopped } = saved.state;
  if (stopped) throw new UsageError(`the run in ${out} stopped early after epoch ${epoch} (no dev improvement); there is nothing to resume`);
  // Without --epochs, the budget of the saved run's steps per epoch (every epoch takes the same steps).
  const total = epochs ?? trainingBudget(Math.max(1, Math.round(saved.state.globalStep / Math.max(1, epoch)))).epochs;
  if (epoch >= total) throw new UsageError(`the run in ${out} already finished ${epoch} epochs; pass --epochs with more than ${epoch} to continue it`);
  return saved;
}

function reportSkipped(d: Dataset, verbose: boolean): void {
  if (d.skipped.length === 0) return;
  const shown = verbose ? d.skipped : d.skipped.slice(0, 3);
  const list = shown.map((r) => `line ${r.line}: ${r.reason}`).join('; ');
  const more = shown.length < d.skipped.length ? `; … (--verbose lists all ${d.skipped.length})` : '';
  process.stderr.write(`warning: skipped ${d.skipped.length} malformed row${d.skipped.length === 1 ? '' : 's'} of ${d.file} (${list}${more})\n`);
}

function describeModel(a: Architecture & Pick<TextClassifierConfig, 'cell'>, embeddings: string | null): string {
  const r = { ...A, ...Object.fromEntries(Object.entries(a).filter(([, x]) => x !== undefined)) } as typeof A & Architecture;
  const dir = r.bidirectional ? 'bidirectional ' : '';
  const E = embeddings === null ? `E=${r.embeddingDim}` : `E from ${basename(embeddings)}`;
  return `${dir}${r.cell.toUpperCase()}, ${r.numLayers} layer${r.numLayers === 1 ? '' : 's'}, ${E}, H=${r.hiddenSize}, ${r.pooling} pooling, dropout ${r.dropout}`;
}

/** --embeddings and --freeze-embeddings, checked against the other flags (the size is the file's; read at a run's start). */
async function readEmbeddingFlags(v: ParsedArgs['values'], arch: Architecture, resume: boolean): Promise<Pick<TrainOptions, 'embeddings' | 'freezeEmbeddings'>> {
  const file = readString(v, 'embeddings');
  const freeze = v['freeze-embeddings'] === true;
  if (file === undefined) {
    if (freeze && !resume) throw new UsageError('--freeze-embeddings keeps pretrained vectors fixed, so it needs --embeddings FILE');
    return freeze ? { freezeEmbeddings: true } : {};
  }
  if (resume) throw new UsageError('--embeddings is read when a run starts; a resumed run already has the vectors in its weights, so leave it out');
  if (arch.embeddingDim !== undefined) throw new UsageError(`--embedding-dim ${arch.embeddingDim} and --embeddings: the embedding size is the vectors file's, so leave --embedding-dim out`);
  await checkFile(file, '--embeddings');
  return { embeddings: file, freezeEmbeddings: freeze };
}

/** One line on how much of the vocabulary the vectors file covered. */
function reportEmbeddings(e: EmbeddingCoverage | null): void {
  if (e === null) return;
  const share = e.lookedUp === 0 ? 0 : e.covered / e.lookedUp;
  const lower = e.lowercaseMatches === 0 ? '' : ` (${int(e.lowercaseMatches)} through their lowercase form)`;
  process.stdout.write(
    `embeddings: ${int(e.covered)} of ${int(e.lookedUp)} vocabulary words (${pct(share)}) have a vector in ${e.file}${lower}, E=${e.dim}; ` +
      `${e.frozen ? 'kept fixed' : 'trained'}, the other words start at random\n`,
  );
}

/** The line on the experts: their fitted weights, or why they are unused; '' for a model without experts. */
function expertsText(result: TrainResult, hasDev: boolean): string {
  const fit = result.experts;
  if (fit !== null) {
    const weights = [fit.naiveBayes === null ? null : `naive Bayes weight ${fit.naiveBayes}`, fit.linear === null ? null : `linear weight ${fit.linear}`];
    const them = result.model.experts.length === 1 ? 'it' : 'them';
    return `experts: ${weights.filter((w) => w !== null).join(', ')} (dev accuracy ${pct(fit.devAccuracyWithout)} without ${them}, ${pct(fit.devAccuracyWith)} with ${them})\n`;
  }
  return result.model.experts.length > 0 && !hasDev ? 'experts: weight 0, unused (their weights are fitted on a dev set: pass --dev)\n' : '';
}

async function main(argv: string[]): Promise<void> {
  const { values: v } = parseCliArgs(argv, OPTIONS);
  const verbose = v.verbose === true;
  // 1. Every flag's value.
  const trainFile = readString(v, 'train');
  const devFlag = readString(v, 'dev');
  const read = { textColumn: readString(v, 'text-col'), labelColumn: readString(v, 'label-col'), skipBadRows: v['skip-bad-rows'] === true };
  const labelNames = readLabelNames(v, 'label-names');
  const data = { maxLength: readInt(v, 'max-length', 1), minFreq: readInt(v, 'min-freq', 1), maxVocab: readInt(v, 'max-vocab', 3) };
  const arch = readArchitecture(v);
  const given = readTraining(v);
  const resume = v.resume === true;
  if (resume && v.force === true) throw new UsageError('--resume and --force cannot be used together: --resume continues the run in --out, --force replaces it');
  const vectors = await readEmbeddingFlags(v, arch, resume);
  if (trainFile === undefined && !HAS_SST2) {
    throw new UsageError(`no training data: pass --train FILE (.tsv or .csv with a header row, or .jsonl) and optionally --dev FILE; see ${cmd.train} --help`);
  }
  const sst2 = trainFile === undefined;
  const trainPath = trainFile ?? join(SST2_DIR, 'train.tsv');
  const devPath = devFlag ?? (sst2 ? join(SST2_DIR, 'dev.tsv') : null);
  const name = sst2 ? 'sst2' : basename(trainPath, extname(trainPath));
  // 2. The output directory (and, with --resume, the saved run).
  const saved = resume ? await readResumable(readString(v, 'out') ?? join('runs', `${name}-${arch.cell ?? A.cell}`), arch, given.epochs) : null;
  const out = readString(v, 'out') ?? join('runs', `${name}-${saved?.config.architecture.cell ?? arch.cell ?? A.cell}`);
  if (saved === null) await checkFreshOut(out, v.force === true);
  // 3. The data files (read fully and checked here; the library gets the parsed datasets).
  const trainSet = await readDataFile(trainPath, '--train', read);
  const devSet = devPath === null ? null : await readDataFile(devPath, '--dev', read);
  reportSkipped(trainSet, verbose);
  if (devSet !== null) reportSkipped(devSet, verbose);
  // A label the model will not know is a DataFormatError naming file and line (the library checks it too, but
  // checking here keeps the output to that one sentence).
  const labels = saved?.config.labels ?? sortLabels(trainSet.examples.map((e) => e.label));
  if (labels.length < 2) {
    throw new UsageError(`${trainSet.file}: every training example has the label '${labels[0]}', a classifier needs at least 2 labels`);
  }
  if (saved !== null) encodeLabels(trainSet.examples, labels, trainSet.file);
  if (devSet !== null) encodeLabels(devSet.examples, labels, devSet.file);

  // Training options not given now are the saved run's (so `--resume` alone continues as before).
  const training = saved === null ? given : { ...savedTrainOptions(saved.state.options), ...stripUndefined(given) };
  const options: TrainOptions = {
    ...(sst2 ? defaultRecipe() : {}),
    ...arch,
    ...training,
    ...data,
    train: trainSet,
    dev: devSet,
    read,
    labelNames: labelNames ?? (sst2 ? { ...SST2_LABEL_NAMES } : null),
    ...vectors,
    out,
    resume,
  };
  const modelText = describeModel(saved?.config.architecture ?? { ...arch, cell: arch.cell ?? A.cell }, vectors.embeddings ?? null);
  // Printed once the library has read everything (a bad vectors file fails before any output).
  const announce = ({ embeddings, epochs, patience, stepsPerEpoch }: StartInfo): void => {
    progress.epochs = epochs;
    const stop = devSet === null || patience === null ? 'no early stopping' : `stop after ${patience} epoch${patience === 1 ? '' : 's'} without dev improvement`;
    process.stdout.write(
      `${resume ? `resuming ${out} after epoch ${saved?.state.epoch}` : `training into ${out}`}: ${modelText}\n` +
        `data: ${int(trainSet.examples.length)} training examples from ${trainSet.file}` +
        `${devSet === null ? ', no dev set (the last epoch is kept)' : `, ${int(devSet.examples.length)} dev examples from ${devSet.file}`}\n` +
        `budget: up to ${epochs} epochs of ${int(stepsPerEpoch)} steps, ${stop}\n`,
    );
    reportEmbeddings(embeddings);
  };

  // No SIGINT handler: the batch loop does not yield to the event loop, so a handler would delay Ctrl-C to the
  // end of the epoch. The default action stops at once; checkpoints are atomic, so the last epoch stays whole.
  const progress = new TrainingProgress({ hasDev: devSet !== null });
  const t0 = performance.now();
  let result;
  try {
    result = await train(options, { ...progress.callbacks(), onStart: announce });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const best = result.bestEpoch === null ? `kept the last epoch (${result.history.length === 0 ? 0 : result.history[result.history.length - 1].epoch})` : `best epoch ${result.bestEpoch}`;
  const dev = result.devMetrics === null ? '' : ` (dev accuracy ${pct(result.devMetrics.accuracy)}, macro-F1 ${pct(result.devMetrics.macroF1)})`;
  const early = result.stoppedEarly ? '; stopped early (no dev improvement)' : '';
  process.stdout.write(
    expertsText(result, devSet !== null) +
    `done in ${duration(seconds)}: ${best}${dev}${early}; vocabulary ${int(result.data.pipeline.vocabSize)} tokens, labels ${result.data.labels.join(', ')}\n` +
      `saved ${out} (${MODEL_FILES.weights}, ${MODEL_FILES.config}, ${MODEL_FILES.vocab}, ${MODEL_FILES.metrics}, ${MODEL_FILES.curve}, training state)\n` +
      `next: ${cmd.eval} --model ${out} --data ${devSet?.file ?? trainSet.file}\n`,
  );
}

await runCli(USAGE, main);
