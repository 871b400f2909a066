/**
 * The packages as a user gets them: each is packed with `pnpm pack` (whose `prepack` builds `dist` from empty, and
 * which applies `publishConfig` and turns `workspace:*` into versions), and the three tarballs are installed with
 * npm into a fresh project outside the repository. There they are used from plain Node ESM, from a strict
 * TypeScript program (with and without the `source` export condition) and through every bin.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentimentClassifier } from '@recurrent/trainer';
import { buildAppWithVite, bundleWithEsbuild, launchChromium, serveDir } from '../../packages/web/test/harness.js';

const root = resolve(import.meta.dirname, '../..');
const PACKAGES = ['nn-core', 'tokenizer', 'trainer'] as const;
const BINS = ['recurrent-train', 'recurrent-eval', 'recurrent-predict', 'recurrent-export-onnx'] as const;
const SENTENCE = 'a gorgeous, witty, seductive movie.';

/** The environment of a user's shell: none of the variables that pnpm sets for a script (npm_*, NODE_PATH). */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && k !== 'NODE_PATH'));

let work: string;
let project: string;
const tarballs: Record<string, string> = {};

function run(cmd: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, env: userEnv, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tarList(tgz: string): string[] {
  return execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).trim().split('\n');
}

function tarFile(tgz: string, path: string): string {
  return execFileSync('tar', ['xzOf', tgz, path], { encoding: 'utf8' });
}

/** Bytes of all files under `dir`, not following symbolic links (what `du --apparent-size` counts). */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(p);
    else total += lstatSync(p).size;
  }
  return total;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'recurrent-pack-'));
  const packs = join(work, 'packs');
  mkdirSync(packs);
  for (const pkg of PACKAGES) {
    const dir = join(root, 'packages', pkg);
    // `prepack` empties dist and builds it, so stale or test files cannot reach a tarball.
    execFileSync('pnpm', ['pack', '--pack-destination', packs], { cwd: dir, env: userEnv, stdio: 'pipe' });
    tarballs[pkg] = join(packs, `recurrent-${pkg}-0.1.0.tgz`);
  }
  project = join(work, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const install = run('npm', ['install', '--no-audit', '--no-fund', ...PACKAGES.map((p) => tarballs[p])], project);
  if (install.status !== 0) throw new Error(`npm install of the tarballs failed:\n${install.stderr}`);
}, 300_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('tarballs', () => {
  for (const pkg of PACKAGES) {
    it(`@recurrent/${pkg}: dist, README and LICENSE; no sources, tests or maps; a manifest that names only built files`, () => {
      const files = tarList(tarballs[pkg]);
      expect(files).toContain('package/README.md');
      expect(files).toContain('package/LICENSE');
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files.filter((f) => /\.test\.|\/src\/|\.map$|\/assembly\/|\/scripts\//.test(f))).toEqual([]);
      expect(tarFile(tarballs[pkg], 'package/LICENSE')).toMatch(/^MIT License/);
      const manifest = JSON.parse(tarFile(tarballs[pkg], 'package/package.json')) as Record<string, unknown>;
      expect(manifest.engines).toEqual({ node: '>=20.16' });
      expect(manifest.license).toBe('MIT');
      expect(manifest.exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
      expect(JSON.stringify(manifest)).not.toMatch(/src\/|workspace:|"source"/);
    });
  }

  it('nn-core ships its four WebAssembly kernel builds; the trainer ships its model, bins and CLI reference', () => {
    const builds = ['kernels', 'kernels_relaxed', 'kernels_shared', 'kernels_relaxed_shared'].map((b) => `package/build/${b}.wasm`);
    expect(tarList(tarballs['nn-core'])).toEqual(expect.arrayContaining(builds));
    const trainer = tarList(tarballs.trainer);
    expect(trainer).toEqual(expect.arrayContaining(['package/model/sst2/model.safetensors', 'package/CLI.md', ...BINS.map((b) => `package/bin/${b}.js`)]));
  });

  it('installs in at most 20 MB of node_modules, with no database clients (natural is an optional peer)', () => {
    const bytes = treeBytes(join(project, 'node_modules'));
    expect(bytes).toBeLessThanOrEqual(20 * 1024 * 1024);
    expect(readdirSync(join(project, 'node_modules'))).not.toContain('natural');
  });
});

describe('installed packages', () => {
  it('plain Node ESM: the shipped model predicts what it predicts in the repository; nn-core computes gradients', async () => {
    writeFileSync(
      join(project, 'predict.mjs'),
      `import { SentimentClassifier } from '@recurrent/trainer';
import { tensor, nn, randn, matmul, setNumThreads, getNumThreads, gemmBackend } from '@recurrent/nn-core';
const clf = await SentimentClassifier.load();
const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
x.mul(x).sum().backward();
const [out] = new nn.LSTM(3, 4).forward(randn([5, 2, 3]));
const a = randn([256, 256]), b = randn([256, 256]);
setNumThreads(1);
const one = matmul(a, b).data;
setNumThreads(2);
const two = matmul(a, b).data;
const threads = { backend: gemmBackend(), splitSame: one.every((v, i) => Object.is(v, two[i])), numThreads: getNumThreads() };
console.log(JSON.stringify({ prediction: clf.predict(${JSON.stringify(SENTENCE)}), grad: Array.from(x.grad.data), out: out.shape, threads }));
`,
    );
    const r = run(process.execPath, ['predict.mjs'], project);
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { prediction: unknown; grad: number[]; out: number[]; threads: unknown };
    // Same weights and the same code, built instead of run from source: the same probabilities, bit for bit.
    const here = (await SentimentClassifier.load()).predict(SENTENCE);
    expect(here.label).toBe('positive');
    expect(got.prediction).toEqual(here);
    expect(got.grad).toEqual([2, 4, 6]); // d(Σx²)/dx = 2x
    // A 256³ product (2^24 multiply-adds) is split between two threads in the installed package, bit for bit
    // what one thread computes, on the fused multiply-add build.
    expect(got.threads).toEqual({ backend: 'wasm-relaxed-simd', splitSame: true, numThreads: 2 });
    expect(got.out).toEqual([5, 2, 4]); // LSTM(3, 4) on (L 5, N 2, E 3) → (5, 2, H 4)
  });

  it('stemming without natural installed: one error naming the package and the install command', () => {
    writeFileSync(
      join(project, 'stem.mjs'),
      `import { Tokenizer, MissingDependencyError } from '@recurrent/tokenizer';
try { new Tokenizer({ stem: true }); console.log('constructed'); }
catch (err) { console.log(err instanceof MissingDependencyError, err.message); }
`,
    );
    const r = run(process.execPath, ['stem.mjs'], project);
    expect(r.stdout.trim()).toBe(
      "true stemming and stop-word removal use the optional package 'natural', which is not installed; install it with `npm install natural@8`",
    );
  });

  for (const source of [false, true]) {
    it(`a strict TypeScript program type-checks against the declarations${source ? ' with customConditions ["source"]' : ''}`, () => {
      const dir = join(project, source ? 'ts-source' : 'ts-plain');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'main.ts'),
        `import { Classifier, SentimentClassifier, TextClassifier, train, type Prediction } from '@recurrent/trainer';
import { Tokenizer, Vocab } from '@recurrent/tokenizer';
import { manualSeed, nn, randint, type Tensor } from '@recurrent/nn-core';

manualSeed(0);
const emb = new nn.Embedding(100, 30);
const lstm = new nn.LSTM(30, 18, { batchFirst: true });
const [out]: [Tensor, [Tensor, Tensor]] = lstm.forward(emb.forward(randint(0, 100, [10, 20])));
const shape: readonly number[] = out.shape;
const clf: Classifier = await SentimentClassifier.load();
const p: Prediction = clf.predict('fine');
const net: TextClassifier = clf.model;
const tokens: string[] = new Tokenizer().tokenize('a b');
const vocab: Vocab = Vocab.build([tokens]);
const run: typeof train = train;
export { shape, p, net, vocab, run };
`,
      );
      const compilerOptions = {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        noEmit: true,
        skipLibCheck: false,
        types: [],
        ...(source ? { customConditions: ['source'] } : {}),
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['main.ts'] }));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      const r = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});

describe('installed bins', () => {
  const bin = (name: string): string => join(project, 'node_modules/.bin', name);

  for (const name of BINS) {
    it(`${name} --help names the command as installed`, () => {
      const r = run(bin(name), ['--help'], project);
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: ${name}( |$)`));
      expect(r.stdout).not.toMatch(/pnpm/);
    });
  }

  it('recurrent-predict classifies with the shipped model', () => {
    const r = run(bin('recurrent-predict'), ['--json', SENTENCE], project);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { label: string }).label).toBe('positive');
  });

  it('recurrent-train with no data says what it needs in one line and exits 2', () => {
    const r = run(bin('recurrent-train'), [], project);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: no training data: pass --train FILE (.tsv or .csv with a header row, or .jsonl) and optionally --dev FILE; see recurrent-train --help.\n');
  });

  it('recurrent-train, recurrent-eval and recurrent-export-onnx run on a small data set', () => {
    const rows = ['sentence\tlabel'];
    for (let i = 0; i < 40; i++) rows.push(i % 2 === 0 ? `good fun film ${i}\t1` : `dull bad film ${i}\t0`);
    writeFileSync(join(project, 'tiny.tsv'), `${rows.join('\n')}\n`);
    const args = ['--train', 'tiny.tsv', '--out', 'runs/tiny', '--epochs', '1', '--embedding-dim', '8', '--hidden-size', '8'];
    const trained = run(bin('recurrent-train'), args, project);
    expect(trained.stderr).toBe('');
    expect(trained.status).toBe(0);
    expect(trained.stdout).toContain('next: recurrent-eval --model runs/tiny');
    const evaluated = run(bin('recurrent-eval'), ['--model', 'runs/tiny', '--data', 'tiny.tsv', '--json'], project);
    expect(evaluated.status).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { n: number }).n).toBe(40);
    const exported = run(bin('recurrent-export-onnx'), ['--model', 'runs/tiny', '--out', 'tiny.onnx'], project);
    expect(exported.status).toBe(0);
    expect(statSync(join(project, 'tiny.onnx')).size).toBeGreaterThan(1000);
  });
});

describe('installed packages in a browser app', () => {
  const APP = `import { SentimentClassifier } from '@recurrent/trainer';
import { gemmBackend } from '@recurrent/nn-core';
const clf = await SentimentClassifier.load(new URL('./sst2/', location.href));
window.result = { backend: gemmBackend(), predict: (t) => clf.predict(t).probs };
`;
  const SENTENCES = [SENTENCE, 'a dull , lifeless mess', 'it is what it is', "the film 's plot is thin , but the acting is superb"];

  it('esbuild --platform=browser bundles them with no plugin: no node: module left to resolve', async () => {
    const dir = join(project, 'esbuild-app');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.js'), APP);
    const warnings = await bundleWithEsbuild(join(dir, 'main.js'), join(dir, 'dist'));
    expect(warnings.filter((w) => /node:/.test(w))).toEqual([]);
    expect(readFileSync(join(dir, 'dist', 'main.js'), 'utf8')).not.toMatch(/from\s*["']node:/);
  }, 120_000);

  it('Vite builds them with no config or plugin, and the app predicts in Chromium as Node does (≤ 1e-5), on WebAssembly', async () => {
    const dir = join(project, 'vite-app');
    mkdirSync(join(dir, 'public', 'sst2'), { recursive: true });
    writeFileSync(join(dir, 'main.js'), APP);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    const model = join(project, 'node_modules/@recurrent/trainer/model/sst2');
    for (const f of ['config.json', 'vocab.json', 'model.safetensors']) copyFileSync(join(model, f), join(dir, 'public', 'sst2', f));
    const warnings = await buildAppWithVite(dir);
    expect(warnings.filter((w) => /externali[sz]ed|node:/.test(w))).toEqual([]);
    const built = readdirSync(join(dir, 'dist', 'assets'));
    expect(built.filter((f) => f.endsWith('.wasm')).length).toBeGreaterThanOrEqual(2); // the kernels, emitted as assets
    for (const f of built.filter((f) => f.endsWith('.js'))) expect(readFileSync(join(dir, 'dist', 'assets', f), 'utf8')).not.toMatch(/__vite-browser-external/);

    const server = await serveDir(join(dir, 'dist'));
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(server.url);
      await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
      type Result = { backend: string; predict(t: string): Record<string, number> };
      const inPage = await page.evaluate(
        (ts) => ({ backend: (globalThis as unknown as { result: Result }).result.backend, probs: ts.map((t) => (globalThis as unknown as { result: Result }).result.predict(t)) }),
        SENTENCES,
      );
      expect(inPage.backend).toBe('wasm-relaxed-simd');
      const node = await SentimentClassifier.load();
      SENTENCES.forEach((t, i) => {
        const want = node.predict(t).probs;
        for (const k of Object.keys(want)) expect(Math.abs(inPage.probs[i][k] - want[k])).toBeLessThanOrEqual(1e-5);
      });
    } finally {
      await browser.close();
      await server.close();
    }
  }, 240_000);
});
