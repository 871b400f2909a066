// nn.LSTM: every constructor option and the shape of every input and output (posts 000 and 003).
// Run: pnpm tsx scripts/01_lstm_shapes.ts
//
// Glossary: L sequence length, N batch, E input features, H hidden size, D directions (1 or 2).
import { manualSeed, nn, onWarning, randn, select, squeeze, unsqueeze, zeros, type Tensor } from '@recurrent/nn-core';
import { fmt, cell, maxAbsDiff, check } from './lib/notebook.js';


manualSeed(0);
// The library never prints; this handler shows its warnings (the dropout one below) like Python would.
onWarning((w) => console.log(`${w.category}: ${w.message}`));

cell('1. The signature and its defaults');
console.log(`PyTorch: nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
         bidirectional=False, proj_size=0)
Here:    new nn.LSTM(inputSize, hiddenSize, { numLayers: 1, bias: true, batchFirst: false, dropout: 0,
         bidirectional: false, projSize: 0 })`);
const plain = new nn.LSTM(8, 16);
console.log('defaults of new nn.LSTM(8, 16):', JSON.stringify(plain.config()));

// One cell per option: the options, then the shapes that go in and come out.
// input: (L, N, E), or (N, L, E) with batchFirst. h0: (D·numLayers, N, Hout), c0: (D·numLayers, N, H).
// output: (L, N, D·Hout), or (N, L, D·Hout) with batchFirst. hN like h0, cN like c0: never batch-first.
// Hout = projSize when projSize > 0, else H.
interface Case {
  title: string;
  options: nn.LSTMOptions;
  note: string;
}
const [L, N, E, H] = [5, 3, 8, 16];
const cases: Case[] = [
  { title: 'defaults', options: {}, note: 'input (L, N, E) = (seq_len, batch, input_size)' },
  { title: 'numLayers: 2', options: { numLayers: 2 }, note: 'layer 2 reads the h of layer 1; hN/cN get one row per layer' },
  { title: 'bias: false', options: { bias: false }, note: 'no bias_ih_l0/bias_hh_l0; shapes unchanged' },
  { title: 'batchFirst: true', options: { batchFirst: true }, note: 'input and output are (N, L, ·); hN/cN are NOT' },
  { title: 'dropout: 0.5, numLayers: 2', options: { dropout: 0.5, numLayers: 2 }, note: 'dropout on the outputs of every layer but the last (training only)' },
  { title: 'bidirectional: true', options: { bidirectional: true }, note: 'output has 2H features; hN/cN have 2 rows per layer' },
  { title: 'projSize: 4', options: { projSize: 4 }, note: 'h (and output) projected to 4 features; c keeps H' },
  { title: "dtype: 'float64'", options: { dtype: 'float64' }, note: "PyTorch's dtype argument; input and states must match" },
  {
    title: 'all together',
    options: { numLayers: 2, bias: true, batchFirst: true, dropout: 0.1, bidirectional: true, projSize: 4 },
    note: 'D·numLayers = 4 rows in hN/cN',
  },
];
cell('2. One option at a time (E=8, H=16, L=5, N=3)');
for (const c of cases) {
  const lstm = new nn.LSTM(E, H, c.options);
  const D = lstm.numDirections;
  const Hout = lstm.outputHiddenSize;
  const dtype = lstm.stateDict().weight_ih_l0.dtype;
  const x = randn(lstm.batchFirst ? [N, L, E] : [L, N, E], { dtype });
  const h0 = zeros([D * lstm.numLayers, N, Hout], { dtype });
  const c0 = zeros([D * lstm.numLayers, N, H], { dtype });
  const [output, [hN, cN]] = lstm.forward(x, [h0, c0]);
  console.log(`\n### ${c.title}  (${c.note})`);
  console.log(`  input ${fmt(x)}  h0 ${fmt(h0)}  c0 ${fmt(c0)}`);
  console.log(`  output ${fmt(output)}  hN ${fmt(hN)}  cN ${fmt(cN)}${dtype === 'float32' ? '' : `  (${output.dtype})`}`);
  console.log(`  parameters: ${lstm.namedParameters().map(([k, p]) => `${k} ${fmt(p)}`).join(', ')}`);
}

// Unbatched input, as in PyTorch: (L, E) → output (L, H), states (D·numLayers, H).
const single = new nn.LSTM(E, H);
const xu = randn([L, E]);
const [outU, [hU, cU]] = single.forward(xu);
console.log(`\n### unbatched input (no N dim)\n  input ${fmt(xu)}  →  output ${fmt(outU)}  hN ${fmt(hU)}  cN ${fmt(cU)}`);

cell('3. dropout acts between layers, in training mode only');
// Post 001 says the dropout is applied to "the last layer"; it is the opposite: every layer's output except
// the last one's. With numLayers=1 there is nothing to drop, and PyTorch warns; so do we:
new nn.LSTM(E, H, { dropout: 0.5 });
const deep = new nn.LSTM(E, H, { numLayers: 2, dropout: 0.5 });
const xd = randn([L, N, E]);
const [train1] = deep.forward(xd);
const [train2] = deep.forward(xd);
deep.eval();
const [eval1] = deep.forward(xd);
const [eval2] = deep.forward(xd);
console.log(`training mode, two calls: max |diff| ${maxAbsDiff(train1, train2).toFixed(4)} (new masks each call)`);
console.log(`after eval():  two calls: max |diff| ${maxAbsDiff(eval1, eval2)}`);
check(maxAbsDiff(train1, train2) > 0 && maxAbsDiff(eval1, eval2) === 0, 'dropout is random in training and off after eval()');

cell('4. h0 and c0 default to zeros');
// Post 002 suggests generating h0/c0 "with random numbers"; they are the initial state, not parameters, and
// when omitted PyTorch (and we) use zeros.
const lstm = new nn.LSTM(E, H, { numLayers: 2 });
const x = randn([L, N, E]);
const [outDefault, [hDefault]] = lstm.forward(x);
const [outZeros, [hZeros]] = lstm.forward(x, [zeros([2, N, H]), zeros([2, N, H])]);
console.log(`lstm.forward(x) vs lstm.forward(x, [zeros, zeros]): max |diff| output ${maxAbsDiff(outDefault, outZeros)}, hN ${maxAbsDiff(hDefault, hZeros)}`);
check(maxAbsDiff(outDefault, outZeros) === 0 && maxAbsDiff(hDefault, hZeros) === 0, 'omitted h0/c0 give exactly the zero-state result');
// hN[-1] (the last layer's final h) is the output at the last step.
check(
  maxAbsDiff(select(hDefault, 0, -1), select(outDefault, 0, -1)) === 0,
  'hN[-1] equals output[-1] (one direction: the last layer at the last step)',
);

cell('5. Post 000: a (batch, len) matrix as ONE step with len features');
// A series of `len` numbers per sample is fed as a length-1 sequence whose features are the `len` values:
// x (batch, len) → unsqueeze(0) → (1, batch, len) = (L=1, N=batch, E=len).
const [batch, len, hidden, numClass] = [4, 50, 32, 3];
const series = randn([batch, len]);
console.log(`x ${fmt(series)}  (batch, len)`);
const x1 = unsqueeze(series, 0);
console.log(`x.unsqueeze(0) ${fmt(x1)}  (L=1, N=batch, E=len)`);
const net = new nn.LSTM(len, hidden);
const [out1, [h1, c1]] = net.forward(x1);
console.log(`output ${fmt(out1)}  h ${fmt(h1)}  c ${fmt(c1)}  (numLayers, batch, hidden)`);
check(maxAbsDiff(select(h1, 0, -1), select(out1, 0, 0)) === 0, 'with L=1 the output equals h[-1]');
const lstmOut = squeeze(out1, 0);
console.log(`output.squeeze(0) ${fmt(lstmOut)}  (batch, hidden)`);
const head = new nn.Linear(hidden, numClass);
const logits = head.forward(lstmOut);
console.log(`Linear(${hidden}, ${numClass}) → ${fmt(logits)}  (batch, numClass)`);
console.log('Note: squeeze(0) removes only dim 0; a bare squeeze() would also drop batch if batch were 1.');
