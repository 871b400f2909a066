/**
 * Smoke test of the notebook scripts: every `scripts/0*.ts` runs as a subprocess (as `pnpm tsx` runs it) and must
 * exit 0 and print the shape lines the posts promise; the scripts also type-check. Scripts whose files go
 * somewhere (06 writes an SVG plot) get a temporary path.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scriptsDir = join(root, 'scripts');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const scripts = readdirSync(scriptsDir).filter((f) => /^0.*\.ts$/.test(f)).sort();

/** Lines (substrings) each script must print: the shapes of the posts' examples. */
const expectedLines: Record<string, string[]> = {
  '01_lstm_shapes.ts': [
    // defaults, then batchFirst (hN stays (D·numLayers, N, H)), bidirectional, projSize
    'output [5, 3, 16]  hN [1, 3, 16]  cN [1, 3, 16]',
    'input [3, 5, 8]  h0 [1, 3, 16]  c0 [1, 3, 16]',
    'output [3, 5, 16]  hN [1, 3, 16]  cN [1, 3, 16]',
    'output [5, 3, 32]  hN [2, 3, 16]  cN [2, 3, 16]',
    'output [5, 3, 4]  hN [1, 3, 4]  cN [1, 3, 16]',
    'output [3, 5, 8]  hN [4, 3, 4]  cN [4, 3, 16]',
    'output [5, 3, 16]  hN [1, 3, 16]  cN [1, 3, 16]  (float64)',
    'input [5, 8]  →  output [5, 16]  hN [1, 16]  cN [1, 16]',
    'UserWarning: LSTM: dropout adds dropout after all but the last recurrent layer',
    'ok: omitted h0/c0 give exactly the zero-state result',
    'x.unsqueeze(0) [1, 4, 50]',
    'output.squeeze(0) [4, 32]',
    'Linear(32, 3) → [4, 3]',
  ],
  '02_embedding_lstm_and_rnn_types.ts': [
    'embedding(input)                → [10, 20, 30]',
    'output [10, 20, 18]',
    'hN [1, 10, 18]',
    'cN [1, 10, 18]',
    'class scores [4, 10]',
    'word scores [4, 7, 50], caption ids [4, 7]',
    'sentence ids [4, 20] → class scores [4, 2]',
    'target word scores [4, 6, 80]',
    'per-frame class scores [4, 15, 5]',
  ],
  '03_gate_equations.ts': [
    'nn.LSTM: x [3, 2, 5] → output [3, 2, 4], hN [1, 2, 4], cN [1, 2, 4]',
    'ok: LSTM step 2 by hand equals nn.LSTM to 1e-6',
    'ok: the last h and c by hand equal hN and cN',
    'nn.GRU: x [3, 2, 5] → output [3, 2, 4], hN [1, 2, 4]',
    'ok: GRU step 2 by hand equals nn.GRU to 1e-6',
  ],
  '04_cross_entropy.ts': [
    'ok: crossEntropy equals nllLoss(logSoftmax(x)) (|diff| < 1e-7)',
    'ok: the weighted versions agree too',
    'ok: backward matches the closed form',
    'ok: the loss at least halves in 30 steps',
  ],
  '05_data_cube_and_lengths.ts': [
    'batchFirst: true  input [3, 7, 3] → output [3, 7, 4]  hN [1, 3, 4]  cN [1, 3, 4]',
    'LSTM: h0 has shape [3, 1, 4], expected [1, 3, 4]',
    'padSequence(sequences) → [5, 3, 3]  (L_max, N, F);  with batchFirst: true → [3, 5, 3]',
    'output [5, 3, 8] (L, N, 2H)  hN [2, 3, 4]  cN [2, 3, 4]',
    'ok: sequence 1: forward half at step 1 = hN[0], backward half at step 0 = hN[1]',
    'ok: output is zero at padded steps',
    'ok: the lengths option gives exactly the packed result',
  ],
  '06_reg_lstm.ts': [
    'training input x [24, 28, 1] (L, N, E=1), target y [24, 28, 1]',
    'model(x) → [24, 28, 1]',
    'epoch  1  loss ',
    'epoch 60  loss ',
    'ok: the training loss falls at least 5×',
    'wrote ',
  ],
  '07_rnn_1027.ts': [
    'X [35, 2, 1027]',
    'Y [35, 2, 256]  len(stateNew) 1  stateNew [1, 2, 256]',
    "nn.RNN(1027, 256, { nonlinearity: 'relu' }): Y [35, 2, 256]  state [1, 2, 256]",
    'ok: relu step 0 by hand equals nn.RNN',
    'nn.GRU:  Y [35, 2, 256]  len(state) 1  state [1, 2, 256]',
    'nn.LSTM: Y [35, 2, 256]  len(state) 2  h [1, 2, 256]  c [1, 2, 256]',
  ],
  '08_sentiment_quickstart.ts': [
    'positive  p(positive)=',
    'ok: clear praise is positive, clear criticism negative',
    'predictBatch keeps the input order: positive, negative',
    '48 examples, vocabulary 25 tokens, labels neg, pos',
    'ok: the tiny classifier fits its 48 sentences',
  ],
};

/** The scripts the issue asks for; deleting one must fail this test. */
const required = Object.keys(expectedLines);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const runs = new Map<string, Promise<Run>>();
let outDir = '';

function run(file: string, args: string[], timeout = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Extra argv per script: 06 takes the path of its SVG plot. */
function argsFor(script: string): string[] {
  return script.startsWith('06_') ? [join(outDir, 'reg_lstm.svg')] : [];
}

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'recurrent-scripts-'));
  // All scripts start at once (each is a separate node process) so the file takes about as long as the slowest.
  for (const s of scripts) runs.set(s, run(tsx, [join('scripts', s), ...argsFor(s)]));
});

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('scripts/0*.ts', () => {
  it('include every script the issue asks for', () => {
    // The files listed in expectedLines must exist (a rename or deletion would otherwise skip their checks).
    expect(required.filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it.each(scripts)('%s exits 0 and prints its shape lines', async (script) => {
    const r = await runs.get(script)!;
    // Exit code 0: every `check(...)` inside the script passed and nothing threw.
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    for (const line of expectedLines[script] ?? []) expect(r.stdout).toContain(line);
  });

  it('06_reg_lstm.ts writes its SVG plot to the path given in argv', async () => {
    expect((await runs.get('06_reg_lstm.ts')!).code).toBe(0);
    const svg = readFileSync(join(outDir, 'reg_lstm.svg'), 'utf8');
    // Two polylines (truth and prediction) in one small, well-formed SVG document.
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)?.length).toBe(2);
    expect(svg.length).toBeLessThan(20_000);
  });

  it('type-check (tsx does not)', async () => {
    const r = await run(tsc, [
      '--noEmit',
      '--strict',
      '--target', 'es2022',
      '--lib', 'es2022',
      '--module', 'nodenext',
      '--moduleResolution', 'nodenext',
      '--types', 'node',
      '--skipLibCheck',
      '--verbatimModuleSyntax',
      '--isolatedModules',
      '--noImplicitOverride',
      ...scripts.map((s) => join('scripts', s)),
      // The measuring scripts are not run here (they take seconds to minutes), but they must not rot either.
      ...readdirSync(scriptsDir).filter((f) => /^measure_.*\.ts$/.test(f)).map((s) => join('scripts', s)),
    ]);
    // tsc prints nothing and exits 0 when the scripts type-check against the public API.
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
