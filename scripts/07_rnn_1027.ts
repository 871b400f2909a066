// Post 004: nn.RNN(input_size=1027, hidden_size=256) on a (35, 2, 1027) batch, with tanh and relu, then GRU and
// LSTM with the same parameters.
// Run: pnpm tsx scripts/07_rnn_1027.ts
//
// Glossary: L (num_steps) sequence length, N batch, E input features (vocab_size one-hot), H hidden size.
import { manualSeed, nn, rand, zeros, type Tensor } from '@recurrent/nn-core';
import { fmt, cell, maxAbsDiff, check } from './lib/notebook.js';


manualSeed(0);
const vocabSize = 1027;
const numHiddens = 256;
const numSteps = 35;
const batchSize = 2;

cell('1. The post, line by line');
const rnnLayer = new nn.RNN(vocabSize, numHiddens);
const state = null; // the initial hidden state may be left out: zeros
const X = rand([numSteps, batchSize, vocabSize]);
const [Y, stateNew] = rnnLayer.forward(X, state);
console.log(`X ${fmt(X)} (num_steps, batch_size, vocab_size)`);
// Python's len() of a tensor is the size of its first dim.
console.log(`Y ${fmt(Y)}  len(stateNew) ${stateNew.shape[0]}  stateNew ${fmt(stateNew)}`);
console.log('PyTorch prints: torch.Size([35, 2, 256]) 1 torch.Size([1, 2, 256])');

cell('2. What one step computes (the post leaves out the nonlinearity and one bias)');
console.log(`H_t = tanh(X_t W_ihᵀ + b_ih + H_(t−1) W_hhᵀ + b_hh)
      [N, E]·[E, H] + [H] + [N, H]·[H, H] + [H] → [N, H] = [${batchSize}, ${numHiddens}]`);
const sd = rnnLayer.stateDict();
console.log(Object.entries(sd).map(([k, v]) => `${k} ${fmt(v)}`).join(', '));
/** One Elman step by hand with tensor methods, from the layer's own weights. */
function step(sdict: Record<string, Tensor>, x: Tensor, h: Tensor, act: 'tanh' | 'relu'): Tensor {
  const a = x.matmul(sdict.weight_ih_l0.t()).add(sdict.bias_ih_l0).add(h.matmul(sdict.weight_hh_l0.t()).add(sdict.bias_hh_l0));
  return act === 'tanh' ? a.tanh() : a.relu();
}
let h = zeros([batchSize, numHiddens]); // H_0 = zeros (N, H)
for (let t = 0; t < 2; t++) {
  h = step(sd, X.select(0, t), h, 'tanh');
  const d = maxAbsDiff(h, Y.select(0, t));
  console.log(`step ${t}: by hand ${fmt(h)} vs Y[${t}]: max |diff| ${d.toExponential(2)}`);
  check(d < 1e-5, `tanh step ${t} by hand equals nn.RNN`);
}

cell("3. nonlinearity: 'relu'");
const reluLayer = new nn.RNN(vocabSize, numHiddens, { nonlinearity: 'relu' });
const [Yr, hr] = reluLayer.forward(X);
console.log(`nn.RNN(${vocabSize}, ${numHiddens}, { nonlinearity: 'relu' }): Y ${fmt(Yr)}  state ${fmt(hr)}`);
const h1 = step(reluLayer.stateDict(), X.select(0, 0), zeros([batchSize, numHiddens]), 'relu');
check(maxAbsDiff(h1, Yr.select(0, 0)) < 1e-5, 'relu step 0 by hand equals nn.RNN');
check(Yr.data.every((v) => v >= 0), 'every relu output is ≥ 0 (tanh outputs lie in (−1, 1))');

cell('4. GRU and LSTM with the same parameters');
const gru = new nn.GRU(vocabSize, numHiddens);
const [Yg, hg] = gru.forward(X);
console.log(`nn.GRU:  Y ${fmt(Yg)}  len(state) ${hg.shape[0]}  state ${fmt(hg)}`);
const lstm = new nn.LSTM(vocabSize, numHiddens);
const [Yl, [hl, cl]] = lstm.forward(X);
// An LSTM's state is the pair (h, c): Python's len(state) is 2, each (num_layers, N, H).
console.log(`nn.LSTM: Y ${fmt(Yl)}  len(state) 2  h ${fmt(hl)}  c ${fmt(cl)}`);
const count = (m: nn.Module): string => m.numParameters().toLocaleString('en-US');
console.log(`parameters: RNN ${count(rnnLayer)} = H·(E + H + 2); GRU ${count(gru)} = 3×; LSTM ${count(lstm)} = 4×`);
check(gru.numParameters() === 3 * rnnLayer.numParameters() && lstm.numParameters() === 4 * rnnLayer.numParameters(), 'GRU has 3 and LSTM 4 gate blocks of the RNN size');
