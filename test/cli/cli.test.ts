/**
 * The trainer's commands (`pnpm train`, `pnpm eval`, `pnpm predict`) run as subprocesses, the way users run
 * them, on tiny data written to a temporary directory: the round trip train → eval --json → predict --json,
 * `--resume`, `--help`, and every kind of bad input → exit code 2, one sentence on stderr, nothing written.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextClassifier } from '@recurrent/trainer';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cli = (name: string): string => join(root, 'packages/trainer/src/cli', `${name}.ts`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm <command> ...args` as the root script does (tsx with the source condition), in `cwd`. */
function run(command: 'train' | 'eval' | 'predict', args: string[], options: { cwd?: string; input?: string | Buffer } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(tsx, [cli(command), ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

let dir: string;
/** Tiny sizes so a run takes well under a second. */
const TINY = ['--embedding-dim', '8', '--hidden-size', '6', '--batch-size', '8', '--seed', '3', '--patience', 'none'];
const POS = ['a gorgeous , witty , seductive movie', 'a great and moving film', 'wonderful acting and a fine story', 'funny , warm and smart', 'the best film of the year', 'a delight from start to finish'];
const NEG = ['a dull , lifeless mess', 'boring and far too long', 'the worst script in years', 'flat , tedious and stupid', 'an ugly waste of time', 'painfully bad acting'];
const TRAIN_ROWS = [...POS.map((t) => `${t}\tpos`), ...NEG.map((t) => `${t}\tneg`), 'a fine and funny movie\tpos', 'a boring mess\tneg'];
const DEV_ROWS = ['a witty and warm film\tpos', 'a tedious , dull script\tneg', 'great acting\tpos', 'a waste of a good cast\tneg', 'smart and moving\tpos'];

/** The flags of the model every test shares (trained once, 2 epochs). */
const MODEL_FLAGS = (d: string): string[] => ['--train', join(d, 'train.tsv'), '--dev', join(d, 'dev.tsv'), '--cell', 'gru', '--label-names', 'neg=negative,pos=positive', ...TINY];
let trained: Run;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recurrent-cli-'));
  await writeFile(join(dir, 'train.tsv'), `sentence\tlabel\n${TRAIN_ROWS.join('\n')}\n`);
  await writeFile(join(dir, 'dev.tsv'), `sentence\tlabel\n${DEV_ROWS.join('\n')}\n`);
  trained = await run('train', [...MODEL_FLAGS(dir), '--epochs', '2', '--out', join(dir, 'model')]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pathIn = (name: string): string => join(dir, name);

describe('train → eval --json → predict --json', () => {
  it('trains a model directory, evaluates it as one JSON object and predicts with it, all consistent', async () => {
    const out = pathIn('model');
    const t = trained;
    expect(t.stderr).toBe(''); // no progress bar off a terminal, no warnings
    expect(t.code).toBe(0);
    // 2 epoch lines (one per epoch) and the summary naming the directory.
    expect(t.stdout.match(/^epoch \d\/2 /gm)).toHaveLength(2);
    expect(t.stdout).toContain(`saved ${out}`);
    expect((await readdir(out)).sort()).toEqual(
      ['config.json', 'metrics.json', 'model.safetensors', 'training_curve.svg', 'training_state.json', 'training_state.safetensors', 'vocab.json'],
    );

    // The four commands below only read the model: run them at once.
    const texts = DEV_ROWS.map((r) => r.split('\t')[0]);
    const [e, p, h, r] = await Promise.all([
      run('eval', ['--model', out, '--data', pathIn('dev.tsv'), '--json']),
      run('predict', ['--model', out, '--json'], { input: `${texts.join('\n')}\n\n` }), // the blank line is skipped
      run('predict', ['--model', out, 'great acting', 'a dull mess']),
      run('eval', ['--model', out, '--data', pathIn('dev.tsv')]),
    ]);
    expect(e.code).toBe(0);
    expect(e.stdout.endsWith('\n')).toBe(true);
    expect(e.stdout.trim().split('\n')).toHaveLength(1); // exactly one JSON object, nothing else on stdout
    const m = JSON.parse(e.stdout) as { accuracy: number; macroF1: number; n: number; perClass: { label: string; support: number }[]; confusion: number[][]; labels: string[] };
    expect(Object.keys(m).sort()).toEqual(['accuracy', 'confusion', 'labels', 'macroF1', 'n', 'perClass']);
    expect(m.labels).toEqual(['negative', 'positive']); // the display names given with --label-names, in label order neg < pos
    expect(m.n).toBe(5); // 5 dev rows
    expect(m.perClass.map((c) => c.support)).toEqual([2, 3]); // dev: 2 neg, 3 pos
    const trace = m.confusion[0][0] + m.confusion[1][1];
    expect(m.accuracy).toBe(trace / 5); // accuracy = diagonal of the confusion matrix / n

    // predict over the dev texts from stdin: its labels reproduce eval's accuracy.
    const gold = DEV_ROWS.map((r) => (r.endsWith('pos') ? 'positive' : 'negative'));
    expect(p.code).toBe(0);
    const preds = p.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; label: string; probs: Record<string, number> });
    expect(preds.map((q) => q.text)).toEqual(texts);
    for (const q of preds) {
      expect(Object.keys(q).sort()).toEqual(['label', 'probs', 'text']);
      expect(Object.keys(q.probs)).toEqual(['negative', 'positive']);
      expect(q.probs.negative + q.probs.positive).toBeCloseTo(1, 5); // probabilities of a softmax sum to 1
      expect(q.label).toBe(q.probs.positive > q.probs.negative ? 'positive' : 'negative'); // the label is the argmax
    }
    expect(preds.filter((q, i) => q.label === gold[i]).length / 5).toBe(m.accuracy);

    // TEXT arguments instead of stdin, human-readable: one line per text, "label<TAB>probs<TAB>text".
    expect(h.code).toBe(0);
    const lines = h.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^(negative|positive)\tnegative=0\.\d{3} positive=0\.\d{3}\tgreat acting$/);

    // The human-readable eval report has the headline numbers, the per-class table and the confusion matrix.
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`accuracy  ${(m.accuracy * 100).toFixed(2)}%   (5 examples)`);
    expect(r.stdout).toMatch(/per class:\n\s+label\s+precision\s+recall\s+F1\s+support/);
    expect(r.stdout).toContain('confusion matrix (rows: true label, columns: predicted):');
  });
});

describe('--resume', () => {
  it('1 epoch, then --resume to 2, gives the same losses and weights as 2 epochs in one go (the shared model)', async () => {
    const first = await run('train', [...MODEL_FLAGS(dir), '--epochs', '1', '--out', pathIn('resumed')]);
    expect(first.code).toBe(0);
    // Resume with only --out, --resume and --epochs: the data flags, and the training flags are taken from the saved run.
    const second = await run('train', ['--train', pathIn('train.tsv'), '--dev', pathIn('dev.tsv'), '--out', pathIn('resumed'), '--resume', '--epochs', '2']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`resuming ${pathIn('resumed')} after epoch 1`);
    expect(second.stdout.match(/^epoch \d\/2 /gm)).toEqual(['epoch 2/2 ']); // only the missing epoch runs
    const history = async (d: string): Promise<unknown[]> =>
      (JSON.parse(await readFile(join(d, 'metrics.json'), 'utf8')) as { history: { trainLoss: number; devAccuracy: number }[] }).history.map((h) => [h.trainLoss, h.devAccuracy]);
    expect(await history(pathIn('resumed'))).toEqual(await history(pathIn('model'))); // bit-identical losses
    // (as SHA-256 digests: a deep comparison of megabytes of weights takes seconds)
    const digest = async (f: string): Promise<string> => createHash('sha256').update(await readFile(f)).digest('hex');
    expect(await digest(join(pathIn('resumed'), 'model.safetensors'))).toBe(await digest(join(pathIn('model'), 'model.safetensors')));
    // Nothing left to do: a resume up to the epochs already done is bad input.
    const again = await run('train', ['--train', pathIn('train.tsv'), '--out', pathIn('resumed'), '--resume', '--epochs', '2']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already finished 2 epochs; pass --epochs with more than 2/);
  });
});

describe('--help', () => {
  for (const command of ['train', 'eval', 'predict'] as const) {
    it.concurrent(`pnpm ${command} --help prints the usage on stdout and exits 0`, async () => {
      const r = await run(command, ['--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith(`Usage: pnpm ${command}`)).toBe(true);
      expect(r.stdout).toContain('Exit codes:');
      expect(r.stderr).toBe('');
    });
  }
});

interface BadCase {
  name: string;
  command: 'train' | 'eval' | 'predict';
  args: (d: string) => string[];
  /** The one sentence expected on stderr. */
  message: RegExp;
  input?: Buffer;
}

/** Bad data files, written once. */
const FILES: Record<string, string | Buffer> = {
  'empty.tsv': '',
  'columns.tsv': 'review\tstars\ngood\t5\n',
  'unseen.tsv': 'sentence\tlabel\ngreat\tpos\nso so\tmeh\n',
  'latin1.tsv': Buffer.concat([Buffer.from('sentence\tlabel\ngood\tpos\ncaf'), Buffer.from([0xe9]), Buffer.from(' bad\tneg\n')]),
  'one-label.tsv': 'sentence\tlabel\ngood\tpos\nfine\tpos\n',
  'vectors.vec': '3 4\ngorgeous 0.5 0.25 -1 2\nfilm 1 2 3 4\nzebra 0 0 0 1\n',
  'bad.vec': 'gorgeous 0.5 0.25 -1 2\nfilm 1 2 3\n',
  'with-bad-rows.tsv': `sentence\tlabel\n${TRAIN_ROWS.slice(0, 4).join('\n')}\nno label here\n${TRAIN_ROWS.slice(4).join('\n')}\n\tneg\n`,
};

const BAD: BadCase[] = [
  { name: 'unknown option', command: 'train', args: () => ['--hidden', '3'], message: /^error: unknown option --hidden; run with --help/ },
  { name: '--hidden-size -3', command: 'train', args: () => ['--hidden-size', '-3'], message: /^error: --hidden-size must be a positive integer, got '-3'\.$/ },
  { name: '--cell foo', command: 'train', args: () => ['--cell', 'foo'], message: /^error: --cell must be one of lstm, gru, rnn, got 'foo'\.$/ },
  { name: 'missing --train file', command: 'train', args: (d) => ['--train', join(d, 'nope.tsv')], message: /^error: --train .*nope\.tsv does not exist\.$/ },
  { name: 'empty file', command: 'train', args: (d) => ['--train', join(d, 'empty.tsv')], message: /empty\.tsv: the file is empty, expected a header row and examples\.$/ },
  { name: 'wrong columns', command: 'train', args: (d) => ['--train', join(d, 'columns.tsv')], message: /columns\.tsv:1: the header has no text column 'sentence' or 'text' \(columns: 'review', 'stars'\)\.$/ },
  { name: 'a single label', command: 'train', args: (d) => ['--train', join(d, 'one-label.tsv')], message: /one-label\.tsv: every training example has the label 'pos', a classifier needs at least 2 labels\.$/ },
  { name: 'non-UTF-8 bytes', command: 'train', args: (d) => ['--train', join(d, 'latin1.tsv')], message: /latin1\.tsv:3: the file is not valid UTF-8 \(byte 0xE9 at offset \d+\); save it as UTF-8\.$/ },
  { name: 'dev label unseen in training', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--dev', join(d, 'unseen.tsv')], message: /unseen\.tsv:3: the label 'meh' is not one the model knows \('neg', 'pos'\)\.$/ },
  { name: 'missing --embeddings file', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--embeddings', join(d, 'nope.vec')], message: /^error: --embeddings .*nope\.vec does not exist\.$/ },
  { name: '--embedding-dim with --embeddings', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--embeddings', join(d, 'vectors.vec'), '--embedding-dim', '8'], message: /^error: --embedding-dim 8 and --embeddings: the embedding size is the vectors file's, so leave --embedding-dim out\.$/ },
  { name: '--freeze-embeddings without --embeddings', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--freeze-embeddings'], message: /^error: --freeze-embeddings keeps pretrained vectors fixed, so it needs --embeddings FILE\.$/ },
  { name: 'a bad line in the vectors file', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--embeddings', join(d, 'bad.vec')], message: /bad\.vec:2: expected a word and 4 numbers, found 3 numbers\.$/ },
  { name: '--bigram-dim without --bigram-buckets', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--bigram-dim', '8'], message: /^error: --bigram-dim 8 sizes the rows of a bigram bag, so it needs --bigram-buckets N \(N ≥ 2\)\.$/ },
  { name: '--bigram-buckets 1', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--bigram-buckets', '1'], message: /^error: TextClassifier: bigramBuckets must be 0 \(no bigram bag\) or an integer from 2 to 16777216, got 1\.?$/ },
  { name: '--nb-alpha with --nb-buckets 0', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--nb-buckets', '0', '--nb-alpha', '0.5'], message: /^error: --nb-alpha 0\.5 smooths the naive Bayes expert, which --nb-buckets 0 turns off\.$/ },
  { name: '--linear-lr with --linear-buckets 0', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--linear-buckets', '0', '--linear-lr', '0.5'], message: /^error: --linear-lr 0\.5 trains the linear expert, which --linear-buckets 0 turns off\.$/ },
  { name: '--linear-epochs 0', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--linear-epochs', '0'], message: /^error: --linear-epochs must be a positive integer, got '0'\.$/ },
  { name: '--nb-buckets 1', command: 'train', args: (d) => ['--train', join(d, 'train.tsv'), '--nb-buckets', '1'], message: /^error: TextClassifier: nbBuckets must be 0 \(no naive Bayes expert\) or an integer from 2 to 16777216, got 1\.?$/ },
  { name: 'eval label unseen in training', command: 'eval', args: (d) => ['--model', pathIn('model'), '--data', join(d, 'unseen.tsv'), '--json'], message: /unseen\.tsv:3: the label 'meh' is not one the model knows/ },
  { name: 'a directory that is not a model', command: 'eval', args: (d) => ['--model', d, '--data', join(d, 'dev.tsv')], message: /is not a model directory: it has no config\.json/ },
  { name: 'a corrupt config.json', command: 'predict', args: (d) => ['--model', join(d, 'broken-model'), 'hi'], message: /broken-model\/config\.json: invalid JSON/ },
  { name: 'non-UTF-8 stdin', command: 'predict', args: (d) => ['--model', pathIn('model')], message: /^error: stdin is not valid UTF-8/, input: Buffer.from([0x67, 0x6f, 0x6f, 0x64, 0x0a, 0xff, 0x0a]) },
];

describe('bad input: exit 2, one sentence on stderr, nothing written', () => {
  let work: string;
  let before: string[];
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'recurrent-cli-bad-'));
    for (const [name, content] of Object.entries(FILES)) await writeFile(join(work, name), content);
    for (const f of ['train.tsv', 'dev.tsv']) await writeFile(join(work, f), await readFile(pathIn(f)));
    // A model directory with a broken config.json (the good model is the shared one).
    await mkdir(join(work, 'broken-model'));
    await writeFile(join(work, 'broken-model', 'config.json'), '{"formatVersion": 1,');
    before = await listing(work);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function listing(d: string): Promise<string[]> {
    return (await readdir(d, { recursive: true })).map(String).sort();
  }

  for (const c of BAD) {
    it.concurrent(`${c.command}: ${c.name}`, async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'recurrent-cli-cwd-')); // where a default runs/ would appear
      try {
        const r = await run(c.command, c.args(work), { cwd, input: c.input });
        expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 2 });
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        expect(lines).toHaveLength(1); // one sentence, no stack trace
        expect(lines[0]).toMatch(c.message);
        expect(r.stdout).toBe('');
        expect(await readdir(cwd)).toEqual([]); // no runs/ directory
      } finally {
        await rm(cwd, { recursive: true, force: true });
      }
    });
  }

  it('wrote nothing into the data directory in any of the cases above', async () => {
    expect(await listing(work)).toEqual(before);
  });

  it('--verbose adds the stack trace', async () => {
    const r = await run('train', ['--train', join(work, 'empty.tsv'), '--verbose'], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/empty\.tsv: the file is empty/);
    expect(r.stderr).toMatch(/\n\s+at /); // a stack frame
  });

  it('--skip-bad-rows trains without the malformed rows and reports each one on stderr', async () => {
    const out = join(tmpdir(), `recurrent-cli-skip-${process.pid}`);
    try {
      const r = await run('train', ['--train', join(work, 'with-bad-rows.tsv'), '--out', out, '--epochs', '1', '--skip-bad-rows', ...TINY]);
      expect(r.code).toBe(0);
      // Rows 6 (one field) and 17 (empty text) of the file; 14 good rows are left.
      expect(r.stderr).toBe(
        `warning: skipped 2 malformed rows of ${join(work, 'with-bad-rows.tsv')} (line 6: the row has 1 fields, expected 2 like the header; line 17: the text is empty)\n`,
      );
      expect(r.stdout).toContain('data: 14 training examples');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('--embeddings --freeze-embeddings: E from the file, the coverage on stdout, the vectors verbatim in the saved weights', async () => {
    const out = join(tmpdir(), `recurrent-cli-vectors-${process.pid}`);
    try {
      const flags = ['--hidden-size', '6', '--batch-size', '8', '--seed', '3', '--epochs', '1'];
      const r = await run('train', ['--train', join(work, 'train.tsv'), '--embeddings', join(work, 'vectors.vec'), '--freeze-embeddings', '--out', out, ...flags]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('E from vectors.vec');
      // The training texts have 46 distinct tokens (a vocabulary of 48 with <pad> and <unk>); 'gorgeous' and 'film' have
      // vectors ('zebra' is not a token): 2 / 46 = 4.35 %.
      expect(r.stdout).toContain(`embeddings: 2 of 46 vocabulary words (4.35%) have a vector in ${join(work, 'vectors.vec')}, E=4; kept fixed, the other words start at random\n`);
      const model = await TextClassifier.load(out);
      expect(model.config.embeddingDim).toBe(4);
      const vocab = (JSON.parse(await readFile(join(out, 'vocab.json'), 'utf8')) as { tokens: string[] }).tokens;
      const w = model.embedding.weight.data;
      const row = (word: string): number[] => Array.from(w.subarray(vocab.indexOf(word) * 4, vocab.indexOf(word) * 4 + 4));
      expect(row('gorgeous')).toEqual([0.5, 0.25, -1, 2]);
      expect(row('film')).toEqual([1, 2, 3, 4]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('--nb-buckets, --nb-alpha, --linear-*: the experts are fitted on --dev and reported, saved, and predict reads them; 0 buckets build none', async () => {
    const out = join(tmpdir(), `recurrent-cli-nb-${process.pid}`);
    try {
      const flags = ['--hidden-size', '6', '--batch-size', '8', '--seed', '3', '--epochs', '2', '--out', out];
      const experts = ['--nb-buckets', '64', '--nb-alpha', '0.5', '--linear-buckets', '32', '--linear-epochs', '3', '--linear-lr', '0.2'];
      const r = await run('train', ['--train', join(work, 'train.tsv'), '--dev', join(work, 'dev.tsv'), ...experts, ...flags]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const model = await TextClassifier.load(out);
      const c = model.config;
      expect([c.nbBuckets, c.nbAlpha, c.linearBuckets, c.linearEpochs, c.linearLr]).toEqual([64, 0.5, 32, 3, 0.2]);
      type Fit = { naiveBayes: number; linear: number; devAccuracyWithout: number; devAccuracyWith: number };
      const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { experts: Fit };
      const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
      const { naiveBayes, linear, devAccuracyWithout, devAccuracyWith } = metrics.experts;
      expect(r.stdout).toContain(`experts: naive Bayes weight ${naiveBayes}, linear weight ${linear} (dev accuracy ${pct(devAccuracyWithout)} without them, ${pct(devAccuracyWith)} with them)\n`);
      expect(model.experts.map((e) => e.scale.data[0])).toEqual([Math.fround(naiveBayes), Math.fround(linear)]);
      const p = await run('predict', ['--model', out, 'a gorgeous film']);
      expect(p.code).toBe(0);
      const noDev = await run('train', ['--train', join(work, 'train.tsv'), ...flags, '--force']);
      expect(noDev.stdout).toContain('experts: weight 0, unused (their weights are fitted on a dev set: pass --dev)\n');
      const nbOnly = await run('train', ['--train', join(work, 'train.tsv'), '--dev', join(work, 'dev.tsv'), '--linear-buckets', '0', ...flags, '--force']);
      expect(nbOnly.stdout).toMatch(/\nexperts: naive Bayes weight [0-9.]+ \(dev accuracy [0-9.]+% without it, [0-9.]+% with it\)\n/);
      const none = await run('train', ['--train', join(work, 'train.tsv'), '--nb-buckets', '0', '--linear-buckets', '0', ...flags, '--force']);
      expect(none.code).toBe(0);
      expect(none.stdout).not.toContain('experts');
      expect((await TextClassifier.load(out)).nb).toBeNull();
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('--bigram-buckets N --bigram-dim D: the saved model has the bag, and predict reads it', async () => {
    const out = join(tmpdir(), `recurrent-cli-bigrams-${process.pid}`);
    try {
      const flags = ['--hidden-size', '6', '--batch-size', '8', '--seed', '3', '--epochs', '1'];
      const r = await run('train', ['--train', join(work, 'train.tsv'), '--bigram-buckets', '64', '--bigram-dim', '3', '--out', out, ...flags]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const model = await TextClassifier.load(out);
      expect(model.config.bigramBuckets).toBe(64);
      expect(model.bigram!.weight.shape).toEqual([64, 3]);
      expect(model.fc.weight.shape).toEqual([2, 2 * 6 + 3]); // (C, D·H + bigramDim)
      const p = await run('predict', ['--model', out, 'a gorgeous film']);
      expect(p.code).toBe(0);
      expect(p.stdout).toMatch(/^(neg|pos)\t/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('an --out that already holds a model needs --resume or --force', async () => {
    const r = await run('train', ['--train', join(work, 'train.tsv'), '--out', pathIn('model'), ...TINY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds a model; pass --resume to continue it, --force to overwrite it/);
  });
});
