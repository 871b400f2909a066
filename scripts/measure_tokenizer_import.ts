// Import time of @recurrent/tokenizer: builds the package (tsc → packages/tokenizer/dist), then imports the built
// index in N fresh Node processes and reports the median time of the `import()` itself (Node's own start-up is not
// counted). `--compare` also times importing natural's index, which the package avoids by deep imports.
//
//   pnpm tsx scripts/measure_tokenizer_import.ts [--runs 15] [--compare]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const pkg = resolve(root, 'packages/tokenizer');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 15;
if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`--runs must be a positive integer, got ${args[runsAt + 1]}`);

/** Milliseconds spent in `await import(specifier)` in a fresh process, and the natural files it loaded. */
function timeImport(specifier: string, cwd: string): { ms: number; naturalFiles: number } {
  const code = `
    const t0 = performance.now();
    await import(${JSON.stringify(specifier)});
    const ms = performance.now() - t0;
    const { createRequire } = await import('node:module');
    const cache = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ ms, naturalFiles: cache.filter((p) => p.includes('/natural/lib/')).length }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd, encoding: 'utf8' });
  const last = out.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as { ms: number; naturalFiles: number };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function report(label: string, specifier: string, cwd: string, n: number): void {
  timeImport(specifier, cwd); // warm the file-system cache
  const samples = Array.from({ length: n }, () => timeImport(specifier, cwd));
  const ms = samples.map((s) => s.ms);
  console.log(
    `${label}: median ${median(ms).toFixed(1)} ms over ${n} fresh processes ` +
      `(min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}); natural files loaded: ${samples[0].naturalFiles}`,
  );
}

const tsc = resolve(root, 'node_modules/.bin/tsc');
execFileSync(existsSync(tsc) ? tsc : 'tsc', ['-p', resolve(pkg, 'tsconfig.build.json')], { stdio: 'inherit' });
report('@recurrent/tokenizer (dist)', pathToFileURL(resolve(pkg, 'dist/index.js')).href, pkg, runs);
if (args.includes('--compare')) report("natural's index, for comparison", 'natural', pkg, Math.min(runs, 5));
