/**
 * `pnpm reliability [--kills N] [--seed S] [--rss-n N] [--no-rss]`: the SIGKILL campaign of kill_harness.ts with
 * more kills than CI (default 100), then peak RSS of predicting N sentences (default 100,000) with the shipped
 * SST-2 model, streamed (`predictStream`) and as one array (`predictBatch`), each in a fresh process
 * (predict_rss.ts). Prints the figures of the README's reliability section; exits 1 on any problem.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { killCampaign } from './kill_harness.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const kills = option('kills', 100);
const seed = option('seed', Date.now() % 2 ** 31);
const rssN = option('rss-n', 100_000);
let ok = true;

if (kills > 0) {
  console.log(`SIGKILL campaign: ${kills} kills, seed ${seed}`);
  const r = await killCampaign({ kills, seed });
  console.log(`| kills | during a write | absent | previous checkpoint | next checkpoint | corrupt | resume = uninterrupted | seconds |`);
  console.log(`|---:|---:|---:|---:|---:|---:|---|---:|`);
  console.log(`| ${r.kills} | ${r.killsDuringWrite} | ${r.absent} | ${r.previous} | ${r.next} | ${r.problems.length} | ${r.resumeIdentical ? 'identical' : 'DIFFERENT'} (${r.epochs} epochs) | ${r.seconds.toFixed(0)} |`);
  for (const p of r.problems) console.error(`PROBLEM: ${p}`);
  ok &&= r.problems.length === 0 && r.resumeIdentical;
}

if (!process.argv.includes('--no-rss')) {
  console.log(`\nPeak RSS predicting ${rssN} sentences with the shipped SST-2 model (fresh process each):`);
  console.log('| mode | sentences | seconds | RSS after load (MB) | peak RSS (MB) |');
  console.log('|---|---:|---:|---:|---:|');
  const script = fileURLToPath(new URL('./predict_rss.ts', import.meta.url));
  for (const [mode, n] of [['stream', rssN / 10], ['stream', rssN], ['batch', rssN]] as const) {
    const line = execFileSync(process.execPath, ['--import', 'tsx', script, mode, String(n)], { encoding: 'utf8' });
    const m = JSON.parse(line.trim().split('\n').at(-1)!) as { seconds: number; rssAfterLoadMb: number; peakRssMb: number };
    console.log(`| ${mode === 'stream' ? 'predictStream' : 'predictBatch'} | ${n} | ${m.seconds} | ${m.rssAfterLoadMb} | ${m.peakRssMb} |`);
  }
}
process.exit(ok ? 0 : 1);
