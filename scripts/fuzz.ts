/**
 * `pnpm fuzz [--runs N] [--seed S] [--only NAME]`: the fuzz properties of test/reliability/fuzz_targets.ts with many
 * cases (default 100,000 in total, split over the loaders in proportion to their cost), and a table of outcomes per
 * loader. Exits 1 if any case failed (an untyped error, or a call over the time limit), printing the counterexample.
 */
import { CASE_TIME_LIMIT_MS, fuzzTarget, TARGETS, type TargetReport } from '../test/reliability/fuzz_targets.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const total = Number(option('runs') ?? 100_000);
const seed = Number(option('seed') ?? Date.now() % 2 ** 31);
const only = option('only');
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(seed)) {
  console.error('usage: pnpm fuzz [--runs N] [--seed S] [--only NAME]  (N ≥ 1, S an integer)');
  process.exit(2);
}
// Writing a model directory per case costs ~5 ms, parsing a 1 MB line ~10 ms: give them fewer cases.
const SHARE: Record<string, number> = { safetensors: 0.3, model: 0.1, vocab: 0.2, tokenizer: 0.2, data: 0.2 };
const targets = TARGETS.filter((t) => only === undefined || t.name.includes(only));
const shareOf = (name: string): number => SHARE[name.split(' ')[0]] ?? 0.2;
const shareSum = targets.reduce((a, t) => a + shareOf(t.name), 0);

console.log(`fuzzing with seed ${seed}, ${total} cases in total, each case < ${CASE_TIME_LIMIT_MS} ms of CPU time`);
const reports: TargetReport[] = [];
for (const t of targets) {
  const runs = Math.max(1, Math.round((total * shareOf(t.name)) / shareSum));
  const t0 = performance.now();
  const r = await fuzzTarget(t, runs, seed);
  reports.push(r);
  console.log(`  ${t.name}: ${r.cases} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s, slowest ${r.slowestMs.toFixed(0)} ms of CPU`);
}

console.log('\n| loader | cases | ok | typed errors (code: count) | failures |');
console.log('|---|---:|---:|---|---:|');
for (const r of reports) {
  const typed = [...r.outcomes.entries()]
    .filter(([k]) => k !== 'ok' && k !== 'FAILURE')
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(`| ${r.name} | ${r.cases} | ${r.outcomes.get('ok') ?? 0} | ${typed} | ${r.outcomes.get('FAILURE') ?? 0} |`);
}
const failed = reports.filter((r) => r.failure !== null);
for (const r of failed) console.error(`\nFAILURE in ${r.name}:\n${r.failure}`);
console.log(`\nseed ${seed}: ${failed.length === 0 ? 'no failures' : `${failed.length} loader(s) failed`}`);
process.exit(failed.length === 0 ? 0 : 1);
