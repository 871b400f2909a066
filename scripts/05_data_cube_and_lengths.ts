// The N×T×F data cube, padding variable-length sequences, `lengths`, and what a bidirectional LSTM returns (post 002).
// Run: pnpm tsx scripts/05_data_cube_and_lengths.ts
//
// Glossary: N batch (samples), L (= T) time steps, E (= F) features, H hidden size, D directions.
import { manualSeed, narrow, nn, randn, select, transpose, zeros, type Tensor } from '@recurrent/nn-core';
import { fmt, cell, maxAbsDiff, check } from './lib/notebook.js';


manualSeed(0);

cell('1. The data cube: N samples × T time steps × F features');
// Post 002's weather example: samples are cities, time is days, features are rainfall, wind speed, PM2.5.
const [cities, days, features] = [3, 7, 3];
const cube = randn([cities, days, features]);
console.log(`cube ${fmt(cube)}  (N cities, T days, F features) — what tabular models see is one (N, F) slice per day`);
console.log(`one day, all cities: select(cube, 1, 0) → ${fmt(select(cube, 1, 0))}`);
const H = 4;
const lstmBF = new nn.LSTM(features, H, { batchFirst: true });
const [outBF, [hBF, cBF]] = lstmBF.forward(cube);
console.log(`batchFirst: true  input ${fmt(cube)} → output ${fmt(outBF)}  hN ${fmt(hBF)}  cN ${fmt(cBF)}`);
const timeMajor = transpose(cube, 0, 1); // (T, N, F), the default layout
const lstmTM = new nn.LSTM(features, H);
lstmTM.loadStateDict(lstmBF.stateDict()); // same weights: only the layout differs
const [outTM, [hTM]] = lstmTM.forward(timeMajor);
console.log(`batchFirst: false input ${fmt(timeMajor)} → output ${fmt(outTM)}  hN ${fmt(hTM)}`);
check(maxAbsDiff(transpose(outTM, 0, 1), outBF) === 0 && maxAbsDiff(hTM, hBF) === 0, 'same weights, same numbers in either layout');

cell('2. Post 002 is wrong about h0/c0/hN/cN with batch_first');
console.log(`The post says that with batch_first=True, h0/c0 and ht/ct become (batch, num_layers·num_directions, hidden).
In PyTorch (and here) batch_first changes ONLY input and output; states are always (num_layers·num_directions, batch, H):
hN ${fmt(hBF)} above is (1, N=${cities}, H=${H}).
Also: "output" is not "the last state's output" but the LAST LAYER's h at EVERY step; hN holds EVERY LAYER's h at
the LAST step, and cN (the cell state, not "the forget gate value") likewise.`);
try {
  lstmBF.forward(cube, [zeros([cities, 1, H]), zeros([cities, 1, H])]); // the post's batch-first h0
  throw new Error('a batch-first h0 was accepted');
} catch (e) {
  console.log(`Passing h0 as (batch, layers·dirs, H) = [${cities}, 1, ${H}] fails:\n  ${(e as Error).message}`);
}

cell('3. Variable lengths: padSequence');
// nn.utils.rnn.padSequence is PyTorch's torch.nn.utils.rnn.pad_sequence: zeros after each shorter sequence.
const lengths = [5, 2, 3];
const sequences = lengths.map((len) => randn([len, features])); // each (L_i, F)
console.log(`sequences ${sequences.map(fmt).join(', ')}`);
const padded = nn.utils.rnn.padSequence(sequences); // (L_max, N, F)
const paddedBF = nn.utils.rnn.padSequence(sequences, { batchFirst: true }); // (N, L_max, F)
console.log(`padSequence(sequences) → ${fmt(padded)}  (L_max, N, F);  with batchFirst: true → ${fmt(paddedBF)}`);

cell('4. Bidirectional LSTM with lengths: output 2H, and which half is which row of hN');
const bi = new nn.LSTM(features, H, { bidirectional: true });
const [out, [hN, cN]] = bi.forward(padded, null, { lengths });
console.log(`input ${fmt(padded)}, lengths [${lengths.join(', ')}] → output ${fmt(out)} (L, N, 2H)  hN ${fmt(hN)}  cN ${fmt(cN)} (2·numLayers, N, H)`);
console.log(`Post 002 says H and C become "time length × 2"; it is the first dim, num_layers·2, that doubles.`);
console.log(`output[..., :H] is the forward direction, output[..., H:] the backward one.`);
const forwardHalf = narrow(out, 2, 0, H); // (L, N, H)
const backwardHalf = narrow(out, 2, H, H);
for (let n = 0; n < lengths.length; n++) {
  const last = lengths[n] - 1;
  const fwdLast = select(select(forwardHalf, 0, last), 0, n); // forward half at the last VALID step
  const bwdFirst = select(select(backwardHalf, 0, 0), 0, n); // backward half at step 0
  const dF = maxAbsDiff(fwdLast, select(select(hN, 0, 0), 0, n));
  const dB = maxAbsDiff(bwdFirst, select(select(hN, 0, 1), 0, n));
  console.log(`sequence ${n} (length ${lengths[n]}): |output[${last}, ${n}, :H] − hN[0, ${n}]| = ${dF}, |output[0, ${n}, H:] − hN[1, ${n}]| = ${dB}`);
  check(dF === 0 && dB === 0, `sequence ${n}: forward half at step ${last} = hN[0], backward half at step 0 = hN[1]`);
}
let padZero = true;
for (let n = 0; n < lengths.length; n++) {
  for (let step = lengths[n]; step < padded.shape[0]; step++) padZero &&= select(select(out, 0, step), 0, n).data.every((v) => v === 0);
}
check(padZero, 'output is zero at padded steps (as pad_packed_sequence returns it)');

// With `lengths` the padding never enters the recurrence: each sequence alone gives the same final states.
for (let n = 0; n < lengths.length; n++) {
  const [, [hAlone]] = bi.forward(sequences[n]); // unbatched (L_i, F) → hN (2, H)
  check(maxAbsDiff(hAlone, select(hN, 1, n)) < 1e-6, `sequence ${n} run alone gives hN[:, ${n}]`);
}
const [, [hNoLengths]] = bi.forward(padded);
const leak = maxAbsDiff(select(select(hNoLengths, 0, 1), 0, 1), select(select(hN, 0, 1), 0, 1));
console.log(`Without lengths the backward direction of sequence 1 starts in its padding: max |hN[1, 1] change| = ${leak.toFixed(4)}`);
check(leak > 0, 'forgetting lengths changes the backward state of a padded sequence');

cell('5. The same through packPaddedSequence / padPackedSequence (the PyTorch way)');
const packed = nn.utils.rnn.packPaddedSequence(padded, lengths, { enforceSorted: false });
const [packedOut, [hPacked]] = bi.forward(packed);
const [unpacked, lens] = nn.utils.rnn.padPackedSequence(packedOut);
console.log(`packed data ${fmt(packed.data)} (Σ lengths, F), batchSizes [${Array.from(packed.batchSizes).join(', ')}]`);
console.log(`padPackedSequence → ${fmt(unpacked)}, lengths [${Array.from(lens).join(', ')}]`);
check(maxAbsDiff(unpacked, out) === 0 && maxAbsDiff(hPacked, hN) === 0, 'the lengths option gives exactly the packed result');
