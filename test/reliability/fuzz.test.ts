/**
 * Fuzzing in CI: each untrusted-input loader gets a few hundred to a thousand seeded random and mutated inputs
 * (see fuzz_targets.ts); every outcome must be success or the loader's documented typed error, each call under
 * 1 s. `pnpm fuzz` runs the same properties with ≥ 100,000 cases.
 */
import { describe, expect, it } from 'vitest';
import { DataFormatError, parseDataset, type DataFormat } from '@recurrent/trainer';
import { dataTarget, fuzzTarget, modelDirTarget, safetensorsTarget, tokenizerTarget, vocabTarget, type FuzzTarget } from './fuzz_targets.js';

const SEED = 20261123;

async function expectNoFailure<T>(target: FuzzTarget<T>, numRuns: number): Promise<void> {
  const report = await fuzzTarget(target, numRuns, SEED);
  // No failure at all: the loader either succeeded or threw its typed error, in time, for every case.
  expect(report.failure).toBeNull();
  expect(report.outcomes.get('FAILURE') ?? 0).toBe(0);
  expect(report.cases).toBe(numRuns);
  // The generators reach both sides: some inputs load, most are rejected with a typed error.
  expect(report.outcomes.size).toBeGreaterThan(1);
}

describe('fuzzing untrusted-input loaders (seeded; success or the typed error, each case < 1 s)', () => {
  it('safetensors bytes: 1500 cases → ok or SafetensorsError', async () => {
    await expectNoFailure(safetensorsTarget, 1500);
  });
  it('model directory config.json / vocab.json / weights: 300 cases → ok or ModelFormatError', async () => {
    await expectNoFailure(modelDirTarget, 300);
  });
  it('vocab JSON: 800 cases → ok or TokenizerFormatError', async () => {
    await expectNoFailure(vocabTarget, 800);
  });
  it('tokenizer JSON: 800 cases → ok or TokenizerFormatError', async () => {
    await expectNoFailure(tokenizerTarget, 800);
  });
  it('TSV/CSV/JSONL text incl. 1 MB lines, BOM, NUL, CRLF, lone surrogates: 800 cases → ok or DataFormatError', async () => {
    await expectNoFailure(dataTarget, 800);
  });
});

describe('1 MB single lines: every format × repeated unit × header parses or fails typed in < 1 s of CPU (linear time)', () => {
  // Regression: a 1 MB quoted CSV field was built one character at a time (~1 s), and a header of a million
  // columns was listed whole in the missing-column message.
  it('3 formats × 6 units × 3 headers = 54 files of 1 MB', () => {
    let slowest = 0;
    for (const format of ['tsv', 'csv', 'jsonl'] as DataFormat[]) {
      for (const unit of ['""', '"', ',', '\t', 'a', '{"text":']) {
        for (const header of ['', 'text,label\n"', 'sentence\tlabel\n']) {
          const text = header + unit.repeat(Math.ceil(1_000_000 / unit.length)) + '\n';
          const c0 = process.cpuUsage();
          let message = '';
          try {
            parseDataset(text, `long.${format}`, { format });
          } catch (err) {
            expect(err).toBeInstanceOf(DataFormatError);
            message = (err as Error).message;
          }
          const cpu = process.cpuUsage(c0);
          slowest = Math.max(slowest, (cpu.user + cpu.system) / 1000);
          expect(message.length).toBeLessThan(2000); // one readable sentence, not the megabyte
        }
      }
    }
    expect(slowest).toBeLessThan(1000);
  });
});
