/**
 * nn.utils.rnn against PyTorch 1.13 (fixtures/rnn_packed.json from scripts/reference/gen_rnn_fixtures.py):
 * padSequence, packPaddedSequence's layout (data, batch sizes, sort order), an LSTM run on a PackedSequence,
 * padPackedSequence with totalLength, and gradients through all of them. Tolerance 1e-10 relative.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { add, mul, nn, sum, tensor, type Tensor } from '@recurrent/nn-core';

interface Encoded {
  shape: number[];
  data: number[];
}
const cases = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/rnn_packed.json'), 'utf8')).cases;
const byName = (n: string) => cases.find((c: { name: string }) => c.name === n);
const t64 = (e: Encoded, requiresGrad = false): Tensor => tensor(Float64Array.from(e.data), e.shape, { dtype: 'float64', requiresGrad });

function expectClose(actual: Tensor | null | undefined, expected: Encoded): void {
  expect(actual).toBeTruthy();
  expect(actual!.shape).toEqual(expected.shape);
  expected.data.forEach((b, i) => expect(Math.abs(actual!.data[i] - b) / Math.max(1, Math.abs(b))).toBeLessThanOrEqual(1e-10));
}

describe('PyTorch parity: nn.utils.rnn', () => {
  it('padSequence (batchFirst, paddingValue −1) and its gradient', () => {
    const c = byName('pad_sequence_batch_first');
    const seqs = c.sequences.map((s: Encoded) => t64(s, true));
    const padded = nn.utils.rnn.padSequence(seqs, { batchFirst: true, paddingValue: c.paddingValue });
    expectClose(padded, c.expected);
    sum(mul(padded, t64(c.upstream))).backward();
    seqs.forEach((s: Tensor, i: number) => expectClose(s.grad, c.grads[i]));
  });

  it('an LSTM on a PackedSequence: same packed layout, packed output, states and input gradient', () => {
    const c = byName('lstm_on_packed');
    const x = t64(c.input, true);
    const packed = nn.utils.rnn.packPaddedSequence(x, c.lengths, { enforceSorted: false });
    expect(Array.from(packed.batchSizes)).toEqual(c.batchSizes);
    expect(Array.from(packed.sortedIndices)).toEqual(c.sortedIndices);
    expect(Array.from(packed.unsortedIndices)).toEqual(c.unsortedIndices);
    expectClose(packed.data, c.packedInputData);

    const lstm = new nn.LSTM(2, 3, { dtype: 'float64' });
    lstm.loadStateDict(Object.fromEntries(Object.entries(c.stateDict as Record<string, Encoded>).map(([k, v]) => [k, t64(v)])));
    const [out, [hN, cN]] = lstm.forward(packed);
    expectClose(out.data, c.packedOutputData);
    expectClose(hN, c.hN);
    expectClose(cN, c.cN);
    const [padded, lengths] = nn.utils.rnn.padPackedSequence(out, { totalLength: 6 });
    expectClose(padded, c.padded6);
    expect(Array.from(lengths)).toEqual(c.outLengths);

    add(sum(mul(out.data, t64(c.upstreamData))), sum(hN)).backward();
    expectClose(x.grad, c.inputGrad);
  });

  it('packPaddedSequence with enforceSorted rejects unsorted lengths, naming them', () => {
    const x = tensor(new Float64Array(5 * 3 * 2), [5, 3, 2]);
    expect(() => nn.utils.rnn.packPaddedSequence(x, [3, 5, 1])).toThrow(
      'packPaddedSequence: lengths must be sorted in decreasing order when enforceSorted is true (lengths[1]=5 > lengths[0]=3); pass enforceSorted: false',
    );
  });
});
