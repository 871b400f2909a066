/**
 * `pnpm reliability [--kills N] [--seed S]`: the SIGKILL campaign of kill_harness.ts with more kills (default 100),
 * then the determinism check of determinism.ts; prints the figures of the README's reliability table.
 */
import { killCampaign } from './kill_harness.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const kills = option('kills', 100);
const seed = option('seed', Date.now() % 2 ** 31);
console.log(`SIGKILL campaign: ${kills} kills, seed ${seed}`);
const r = await killCampaign({ kills, seed });
console.log(`| kills | during a write | absent | previous checkpoint | next checkpoint | corrupt | resume = uninterrupted | seconds |`);
console.log(`|---:|---:|---:|---:|---:|---:|---|---:|`);
console.log(`| ${r.kills} | ${r.killsDuringWrite} | ${r.absent} | ${r.previous} | ${r.next} | ${r.problems.length} | ${r.resumeIdentical ? 'identical' : 'DIFFERENT'} (${r.epochs} epochs) | ${r.seconds.toFixed(0)} |`);
for (const p of r.problems) console.error(`PROBLEM: ${p}`);
process.exit(r.problems.length === 0 && r.resumeIdentical ? 0 : 1);
