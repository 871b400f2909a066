/**
 * SST-2 learning curves of the trainer's defaults: dev accuracy after training on the first n rows of
 * data/sst2/train.tsv in a fixed pseudo-random order, for several n and seeds, and the table that compares them
 * with PyTorch's per-size search (scripts/reference/learning_curve.py, which trains on the same rows).
 *
 *   taskset -c 1 pnpm -s tsx scripts/learning_curve.ts --rule new --sizes 1000,3000 --seeds 0,1,2 >> runs/learning-curve/ours.jsonl
 *   pnpm -s tsx scripts/learning_curve.ts --table runs/learning-curve/ours.jsonl runs/learning-curve/torch.jsonl
 *
 * `--options JSON` adds training options to the recipe's (`--config NAME` names them in the output lines, default
 * `defaults`), to try a change of the defaults on the same subsets.
 * `--rule new` trains with no training options (the data-dependent budget of packages/trainer/src/budget.ts);
 * `--rule old` with the defaults before it, `epochs: 5, patience: 2`. Each run prints one JSON line: dev accuracy of
 * the kept weights (with the experts' weights fitted on dev, as `train` does) and of the network alone
 * (`devNetwork`), the experts' weights (`nbScale`, `linearScale`), the best epoch, epochs and optimizer steps trained, seconds, and the
 * network's dev accuracy after every epoch.
 * `--table` reads such lines (ours and PyTorch's) and prints the markdown table of packages/docs/recipe.md: per size,
 * the mean and the spread (lowest–highest) over the seeds of our defaults, of the same runs' network alone, of the
 * old rule's runs, of each PyTorch configuration, and of the best PyTorch configuration (by mean), with the mean
 * optimizer steps trained ("st").
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { defaultRecipe, readDataset, SST2_DIR, train, type TrainOptions } from '@recurrent/trainer';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rule: { type: 'string', default: 'new' },
    sizes: { type: 'string', default: '1000,3000,10000,30000,67349' },
    seeds: { type: 'string', default: '0,1,2' },
    table: { type: 'boolean', default: false },
    // training options over the recipe's, as JSON (e.g. '{"minFreq":2,"wordDropout":0.1}'), and the name its lines get
    options: { type: 'string', default: '{}' },
    config: { type: 'string', default: 'defaults' },
  },
});

/**
 * Row indices of train.tsv (0 = the first row after the header) sorted by the SHA-256 of `sst2-subset:<index>`, as
 * `subset_order` in scripts/reference/learning_curve.py. A size-n subset is the first n, in file order.
 */
function subsetOrder(rows: number): number[] {
  const key = (i: number): Buffer => createHash('sha256').update(`sst2-subset:${i}`).digest();
  const keys = Array.from({ length: rows }, (_, i) => key(i));
  return Array.from({ length: rows }, (_, i) => i).sort((a, b) => Buffer.compare(keys[a], keys[b]));
}

const ints = (s: string): number[] => s.split(',').map((x) => Number(x));

async function curves(): Promise<void> {
  const rule = values.rule;
  if (rule !== 'new' && rule !== 'old') throw new Error(`--rule must be 'new' or 'old', got '${rule}'`);
  const all = await readDataset(`${SST2_DIR}/train.tsv`);
  const order = subsetOrder(all.examples.length);
  for (const size of ints(values.sizes)) {
    if (!(Number.isInteger(size) && size >= 1 && size <= all.examples.length)) throw new Error(`size ${size} is not between 1 and ${all.examples.length}`);
    const rows = order.slice(0, size).sort((a, b) => a - b);
    const subset = { ...all, examples: rows.map((i) => all.examples[i]) };
    for (const seed of ints(values.seeds)) {
      const extra = JSON.parse(values.options) as Partial<TrainOptions>;
      const options: TrainOptions = defaultRecipe({ ...extra, train: subset, out: null, seed, ...(rule === 'old' ? { epochs: 5, patience: 2 } : {}) });
      let steps = 0;
      const t0 = performance.now();
      const r = await train(options, { onBatchEnd: (b) => (steps = b.globalStep) });
      const line = {
        who: `ours-${rule}`,
        size,
        config: values.config,
        seed,
        dev: round(r.devMetrics?.accuracy ?? NaN),
        // the network alone (the experts' weights at 0): the kept epoch's dev accuracy
        devNetwork: round(r.experts?.devAccuracyWithout ?? r.devMetrics?.accuracy ?? NaN),
        nbScale: r.experts?.naiveBayes ?? null,
        linearScale: r.experts?.linear ?? null,
        bestEpoch: r.bestEpoch,
        epochs: r.history.length,
        steps,
        seconds: Math.round((performance.now() - t0) / 100) / 10,
        curve: r.history.map((h) => round(h.devAccuracy ?? NaN)),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  }
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** `+0.1`, `−0.3`, `0.0` (one decimal, a true minus sign). */
const signed = (x: number): string => {
  const t = Math.abs(x).toFixed(1);
  return t === '0.0' ? t : `${x > 0 ? '+' : '−'}${t}`;
};

interface Line {
  who: string;
  size: number;
  config: string;
  seed: number;
  dev: number;
  /** Dev accuracy of the network alone (lines written before the naive Bayes expert had only the network: `dev`). */
  devNetwork?: number;
  bestEpoch?: number | null;
  curve?: number[];
  steps: number;
}

/** The network's own dev accuracy of a run: `devNetwork`, else the kept epoch's point of the curve (the expert is fitted after the epochs). */
const networkDev = (l: Line): number => l.devNetwork ?? (l.curve !== undefined && l.bestEpoch != null ? l.curve[l.bestEpoch - 1] : l.dev);

async function table(files: string[]): Promise<void> {
  const lines: Line[] = [];
  for (const f of files) for (const l of (await readFile(f, 'utf8')).split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Line);
  const groups = new Map<string, Line[]>();
  for (const l of lines) {
    const k = `${l.size}\t${l.who}\t${l.config}`;
    groups.set(k, [...(groups.get(k) ?? []), l]);
  }
  const stat = (ls: Line[], value: (l: Line) => number = (l) => l.dev): { mean: number; text: string } => {
    const acc = ls.map((l) => value(l) * 100);
    const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
    const steps = Math.round(ls.reduce((a, l) => a + l.steps, 0) / ls.length);
    return { mean, text: `${mean.toFixed(1)} (${Math.min(...acc).toFixed(1)}–${Math.max(...acc).toFixed(1)}${ls.length === 3 ? '' : `; ${ls.length} seed${ls.length === 1 ? '' : 's'}`}) ${steps} st` };
  };
  const sizes = [...new Set(lines.map((l) => l.size))].sort((a, b) => a - b);
  const torchConfigs = [...new Set(lines.filter((l) => l.who === 'torch').map((l) => l.config))];
  const head = ['n', 'ours, defaults', 'ours, the network alone', 'ours, old rule (network alone)', ...torchConfigs.map((c) => `PyTorch ${c}`), 'best PyTorch', 'defaults − best'];
  process.stdout.write(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|\n`);
  for (const n of sizes) {
    const cell = (who: string, config: string, value?: (l: Line) => number): { mean: number; text: string } | null => {
      const ls = groups.get(`${n}\t${who}\t${config}`);
      return ls === undefined ? null : stat(ls, value);
    };
    const torch = torchConfigs.map((c) => cell('torch', c));
    const best = torch.reduce<{ mean: number; text: string; i: number } | null>((b, t, i) => (t !== null && (b === null || t.mean > b.mean) ? { ...t, i } : b), null);
    const ours = cell('ours-new', 'defaults');
    const row = [
      n.toLocaleString('en-US'),
      ours?.text ?? '—',
      cell('ours-new', 'defaults', networkDev)?.text ?? '—',
      cell('ours-old', 'defaults')?.text ?? '—',
      ...torch.map((t) => t?.text ?? '—'),
      best === null ? '—' : torchConfigs[best.i],
      ours === null || best === null ? '—' : signed(ours.mean - best.mean),
    ];
    process.stdout.write(`| ${row.join(' | ')} |\n`);
  }
}

await (values.table ? table(positionals) : curves());
