/**
 * `pnpm bench-profile`: where a training step and a single-sentence inference of a bench config spend their time,
 * here and in PyTorch, and what our memory holds after training (what is measured: profile.ts).
 *
 *   pnpm bench-profile                 config A, 10 profiled steps after 3 warm-up steps
 *   pnpm bench-profile --config B --steps 5 --out /tmp/prof
 *
 * Options: --config A|B|C|…, --steps N, --warmup N, --infer-runs N, --top N (rows per table), --python PATH
 * (default /usr/bin/python3), --blas-dir DIR (OpenBLAS for it), --out DIR (default packages/bench/results). Writes
 * `profile-<config>.md` there and prints it; a bad option exits with code 2 and one sentence.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIGS } from './configs.js';
import { profileReport, ROOT, type ProfileOptions } from './profile.js';

interface Options extends ProfileOptions {
  out: string;
}

function parseArgs(argv: string[]): Options {
  const a = argv.filter((x) => x !== '--');
  const value = (name: string): string | null => {
    const i = a.indexOf(`--${name}`);
    return i < 0 ? null : (a[i + 1] ?? null);
  };
  const known = new Set(['config', 'steps', 'warmup', 'infer-runs', 'python', 'blas-dir', 'out', 'top']);
  for (const x of a) if (x.startsWith('--') && !known.has(x.slice(2))) throw new RangeError(`bench-profile: unknown option ${x} (see the header of packages/bench/src/profile_cli.ts)`);
  const int = (name: string, dflt: number): number => {
    const v = value(name);
    const n = v === null ? dflt : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`bench-profile: --${name} must be a positive integer, got ${v}`);
    return n;
  };
  const name = value('config') ?? 'A';
  const config = CONFIGS.find((c) => c.name === name);
  if (config === undefined) throw new RangeError(`bench-profile: --config must be one of ${CONFIGS.map((c) => c.name).join(', ')}, got ${name}`);
  return {
    config,
    steps: int('steps', 10),
    warmup: int('warmup', 3),
    python: value('python') ?? '/usr/bin/python3',
    blasDir: value('blas-dir'),
    out: value('out') ?? join(ROOT, 'packages/bench/results'),
    top: int('top', 12),
    inferRuns: int('infer-runs', 300),
  };
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const md = await profileReport(o);
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, `profile-${o.config.name}.md`), md);
  console.log(md);
}

await main();
