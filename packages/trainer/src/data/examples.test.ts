import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { train, type TrainOptions } from '../train.js';
import { datasetFromExamples, parseDataset } from './read.js';

const ROWS: [string, number][] = [
  ['a gorgeous , witty film', 1],
  ['a dull , lifeless mess', 0],
  ['funny and warm', 1],
  ['boring and far too long', 0],
  ['the best film of the year', 1],
  ['an ugly waste of time', 0],
];

describe('train on { text, label }[] in memory', () => {
  it('gives the same losses, bit for bit, as the same rows read from a TSV file', async () => {
    const tsv = parseDataset(`sentence\tlabel\n${ROWS.map(([t, l]) => `${t}\t${l}`).join('\n')}\n`, 'rows.tsv', { format: 'tsv' });
    const examples = ROWS.map(([text, label]) => ({ text, label }));
    const options: Omit<TrainOptions, 'train'> = { hiddenSize: 4, embeddingDim: 4, batchSize: 2, epochs: 2, seed: 5 };
    const losses = async (data: TrainOptions['train']): Promise<number[]> => {
      const out: number[] = [];
      await train({ ...options, train: data }, { onBatchEnd: (b) => out.push(b.loss) });
      return out;
    };
    const fromMemory = await losses(examples);
    expect(fromMemory).toHaveLength(6); // 2 epochs × 6 examples / batch 2
    expect(fromMemory).toEqual(await losses(tsv));
  });

  it('checks every example: one sentence naming the set and index', () => {
    const cases: [unknown[], string][] = [
      [[], 'train examples: there are no examples'],
      [[{ text: 'ok', label: 1 }, { text: '  ', label: 0 }], 'train examples[1]: text must be a non-empty string'],
      [[{ text: 'ok', label: Number.NaN }], 'train examples[0]: label must be a non-empty string or a finite number'],
      [['just a string'], 'train examples[0]: expected an object { text, label }, got string'],
    ];
    for (const [examples, message] of cases) {
      expect(() => datasetFromExamples(examples as never, 'train examples')).toThrow(DataFormatError);
      expect(() => datasetFromExamples(examples as never, 'train examples')).toThrow(message);
    }
    // Numbers are labels too, as their decimal strings.
    expect(datasetFromExamples([{ text: 'ok', label: 1 }], 'x').examples).toEqual([{ text: 'ok', label: '1', line: 1 }]);
  });
});
