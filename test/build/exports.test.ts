/**
 * Each package builds with `tsc -p tsconfig.build.json` and imports from plain Node (no TypeScript loader, no
 * `source` condition) through its package.json `exports`, as a user's program would after `pnpm build`.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules/.bin/tsc');

// What a built package must expose, checked in a fresh Node process.
const probes: Record<string, string> = {
  'nn-core': `const m = await import('@recurrent/nn-core');
    const x = m.tensor([1, 2, 3], undefined, { requiresGrad: true });
    x.mul(x).sum().backward();
    const [out] = new m.nn.LSTM(3, 4).forward(m.randn([5, 2, 3]));
    console.log(JSON.stringify({ grad: Array.from(x.grad.data), out: out.shape }));`,
  tokenizer: `const m = await import('@recurrent/tokenizer');
    console.log(JSON.stringify({ exports: Object.keys(m).length > 0 }));`,
  trainer: `const m = await import('@recurrent/trainer');
    console.log(JSON.stringify({ exports: Object.keys(m).length > 0 }));`,
};

const expected: Record<string, unknown> = {
  'nn-core': { grad: [2, 4, 6], out: [5, 2, 4] }, // d(Σx²)/dx = 2x; LSTM(3, 4) on (5, 2, 3) → (5, 2, 4)
  tokenizer: { exports: true },
  trainer: { exports: true },
};

describe('built packages import from plain Node', () => {
  for (const pkg of Object.keys(probes)) {
    const dir = join(root, 'packages', pkg);
    it(`@recurrent/${pkg}`, () => {
      execFileSync(tsc, ['-p', join(dir, 'tsconfig.build.json')], { cwd: root, stdio: 'pipe' });
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', probes[pkg]], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(expected[pkg]);
    }, 120_000);
  }
});
