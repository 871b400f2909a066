import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDataset } from './read.js';

const dir = fileURLToPath(new URL('../../../../data/sst2/', import.meta.url));

// The sha256 values stated in data/README.md.
const FILES = {
  'train.tsv': { sha256: '4c5e12ec5fabed1f7aa8b4fde0f0257412d76ab9c4314bb1eec46ba80c7a4438', rows: 67_349, counts: { '0': 29_780, '1': 37_569 } },
  'dev.tsv': { sha256: 'db8f4a5951968681dadc4c6ddaf53e8ba31a1436574072c3fa6273a5d333b35a', rows: 872, counts: { '0': 428, '1': 444 } },
  'test.tsv': { sha256: '4c395e34c8ae196d76abc3724c42336f2e17ad6dab6977be7a690f4c36b140ca', rows: 1_821, counts: { '0': 912, '1': 909 } },
};

describe('bundled SST-2', () => {
  for (const [name, want] of Object.entries(FILES)) {
    it(`${name}: checksum, row count and label counts match data/README.md`, async () => {
      const bytes = await readFile(dir + name);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(want.sha256);
      const d = await readDataset(dir + name);
      expect(d.examples.length).toBe(want.rows);
      const counts: Record<string, number> = {};
      for (const e of d.examples) counts[e.label] = (counts[e.label] ?? 0) + 1;
      expect(counts).toEqual(want.counts);
    });
  }
});
