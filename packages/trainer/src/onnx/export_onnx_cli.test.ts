/**
 * `pnpm export-onnx` as a subprocess (as the root script runs it): a PyTorch-made fixture model directory
 * exported, then run by ONNX Runtime on the fixture's batches; bad arguments exit 2 with one sentence.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = join(root, 'packages', 'trainer', 'src', 'cli', 'export_onnx.ts');
const fixture = join(root, 'test', 'interop', 'fixtures', 'torch_lstm_last');
const outDir = mkdtempSync(join(tmpdir(), 'export-onnx-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [cli, ...args], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

describe('pnpm export-onnx', () => {
  it("writes a file ONNX Runtime runs with PyTorch's log-probabilities (≤ 1e-5)", async () => {
    const out = join(outDir, 'sub', 'model.onnx');
    const r = await run(['--model', fixture, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*model\.onnx \(.* KiB, opset 14, lstm last pooling, 3 classes\)\n$/);
    const session = await ort.InferenceSession.create(out);
    const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as { batches: { ids: number[][]; lengths: number[]; logProbs: number[][] }[] };
    for (const b of expected.batches) {
      const [N, L] = [b.ids.length, b.ids[0].length];
      const res = await session.run({
        ids: new ort.Tensor('int64', BigInt64Array.from(b.ids.flat(), BigInt), [N, L]),
        lengths: new ort.Tensor('int64', BigInt64Array.from(b.lengths, BigInt), [N]),
      });
      const got = res.log_probs.data as Float32Array;
      b.logProbs.flat().forEach((want, i) => expect(Math.abs(got[i] - want)).toBeLessThan(1e-5));
    }
    await session.release();
  });

  const bad: [string[], RegExp][] = [
    [['--out', join(outDir, 'a.onnx')], /^error: --model DIR is required: the model directory to export\.\n$/],
    [['--model', fixture], /^error: --out FILE is required: where to write the \.onnx file\.\n$/],
    [['--model', join(outDir, 'missing'), '--out', join(outDir, 'b.onnx')], /^error: --model .*missing does not exist\.\n$/],
    [['--model', fixture, '--out', join(outDir, 'c.txt')], /^error: --out must name a \.onnx file, got '.*c\.txt'\.\n$/],
    [['--frobnicate'], /^error: unknown option --frobnicate; run with --help for the list of options\.\n$/],
  ];
  it('exits 2 with one sentence on stderr for each of 5 bad argument lists', async () => {
    const results = await Promise.all(bad.map(([args]) => run(args)));
    results.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(bad[i][1]);
      expect(r.stdout).toBe('');
    });
  });
});
