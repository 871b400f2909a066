/**
 * The API names the docs promise exist. In packages/docs/coming-from-pytorch.md every code span of the "@recurrent/nn-core"
 * column, and in packages/nn-core/README.md every code span of the "API" column, must start with a name path that
 * resolves against the package's exports (`nn.utils.rnn.padSequence`, `optim.lrScheduler.StepLR`) or against an
 * instance of the class its receiver stands for (`x.` a Tensor, `model.` a Module, `lstm.` an LSTM, …).
 * And every source file with a `Parity note` is cited in the "Known differences" of coming-from-pytorch.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as lib from '@recurrent/nn-core';

const root = fileURLToPath(new URL('../..', import.meta.url));

const param = new lib.nn.Parameter(lib.zeros([2]));
const sgd = new lib.optim.SGD([param], { lr: 0.1 });
/** What each receiver name in the docs stands for. */
const receivers: Record<string, unknown> = {
  x: lib.tensor([1]),
  y: lib.tensor([1]),
  loss: lib.tensor([1]),
  model: new lib.nn.Linear(1, 1), // any module with a forward
  this: new lib.nn.Module(),
  seq: new lib.nn.Sequential(),
  rnn: new lib.nn.RNN(1, 2),
  lstm: new lib.nn.LSTM(1, 2),
  gru: new lib.nn.GRU(1, 2),
  cell: new lib.nn.LSTMCell(1, 2),
  optimizer: sgd,
  scheduler: new lib.optim.lrScheduler.StepLR(sgd, { stepSize: 1 }),
  g: new lib.Generator(0),
  packed: lib.nn.utils.rnn.packPaddedSequence(lib.zeros([2, 1, 1]), [2]),
};

/** Code spans of column `col` (0-based) in the tables whose header cell `col` is `header`. */
function spansOfColumn(markdown: string, header: string, col: number): string[] {
  const spans: string[] = [];
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    if (!inTable) {
      inTable = cells[col] === header; // this line is the header row
      continue;
    }
    if (/^-+$/.test(cells[0] ?? '')) continue; // the |---| separator
    for (const m of (cells[col] ?? '').matchAll(/`([^`]+)`/g)) spans.push(m[1]);
  }
  return spans;
}

/** The leading dotted name of a span (`new nn.LSTM(…)` → `nn.LSTM`), or null for shapes, objects and arrays. */
function namePath(span: string): string | null {
  const s = span
    .replace(/^(?:const|let)\s[^=]*=\s*/, '')
    .replace(/^this\.\w+\s=\s/, '')
    .replace(/^class \w+ extends /, '')
    .replace(/^\(?await /, '')
    .replace(/^new /, '');
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/.exec(s)?.[0] ?? null;
}

/** Whether `path` resolves; the first missing segment otherwise. */
function resolve(path: string): string | null {
  const [first, ...rest] = path.split('.');
  let obj: unknown = Object.hasOwn(receivers, first) ? receivers[first] : (lib as Record<string, unknown>)[first];
  if (obj === undefined) return first;
  for (const seg of rest) {
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function') || !(seg in (obj as object))) return seg;
    obj = (obj as Record<string, unknown>)[seg];
  }
  return null;
}

const docs = [
  { file: 'packages/docs/coming-from-pytorch.md', header: '@recurrent/nn-core', col: 1, atLeast: 180 },
  { file: 'packages/nn-core/README.md', header: 'API', col: 0, atLeast: 150 },
];

describe.each(docs)('$file', ({ file, header, col, atLeast }) => {
  const spans = spansOfColumn(readFileSync(`${root}/${file}`, 'utf8'), header, col);
  const paths = spans.map(namePath).filter((p): p is string => p !== null);

  it(`names at least ${atLeast} API paths in its "${header}" column`, () => {
    // Guards the parser: if the tables changed shape and nothing were extracted, the check below would pass vacuously.
    expect(paths.length).toBeGreaterThanOrEqual(atLeast);
  });

  it('every one of them exists in the public API', () => {
    const missing = paths.map((p) => [p, resolve(p)]).filter(([, miss]) => miss !== null);
    expect(missing).toEqual([]);
  });
});

describe('packages/docs/coming-from-pytorch.md known differences', () => {
  it('cite every nn-core source file that carries a Parity note', () => {
    const src = `${root}/packages/nn-core/src`;
    const files = (readdirSync(src, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => readFileSync(`${src}/${f}`, 'utf8').includes('Parity note'))
      .map((f) => f.split('\\').join('/'));
    const doc = readFileSync(`${root}/packages/docs/coming-from-pytorch.md`, 'utf8');
    const known = doc.slice(doc.indexOf('## Known differences'));
    // At least the 8 files noted when the doc was written (random, dropout, creation, reduce, where, cast, module,
    // safetensors); a new Parity note needs a numbered entry there citing its file as `dir/file.ts`.
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files.filter((f) => !known.includes(`\`${f}\``))).toEqual([]);
  });
});
