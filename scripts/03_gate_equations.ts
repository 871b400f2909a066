// The LSTM and GRU equations of post 003, computed by hand from the layer's own weights, checked against the layer.
// Run: pnpm tsx scripts/03_gate_equations.ts
//
// Glossary: L sequence length, N batch, E input features, H hidden size.
import { add, chunk, manualSeed, matmul, mul, nn, randn, select, sigmoid, sub, t, tanh, type Tensor } from '@recurrent/nn-core';
import { fmt, cell, maxAbsDiff, check } from './lib/notebook.js';


manualSeed(0);
const [L, N, E, H] = [3, 2, 5, 4];
const TOL = 1e-6; // float32: both sides round every op to ~6e-8 relative, in different orders

/** x·Wᵀ + b: one gate's pre-activation from its weight rows (PyTorch's `linear`). */
const lin = (x: Tensor, w: Tensor, b: Tensor): Tensor => add(matmul(x, t(w)), b);

cell('1. LSTM: the equations (PyTorch order of the gates: i, f, g, o)');
console.log(`i_t = σ(W_ii x_t + b_ii + W_hi h_(t−1) + b_hi)     input gate
f_t = σ(W_if x_t + b_if + W_hf h_(t−1) + b_hf)     forget gate
g_t = tanh(W_ig x_t + b_ig + W_hg h_(t−1) + b_hg)  candidate cell
o_t = σ(W_io x_t + b_io + W_ho h_(t−1) + b_ho)     output gate
c_t = f_t ⊙ c_(t−1) + i_t ⊙ g_t                    cell state (what post 002 calls "the forget gate value" is c)
h_t = o_t ⊙ tanh(c_t)                              hidden state = output at step t`);

const lstm = new nn.LSTM(E, H);
const sd = lstm.stateDict();
console.log('\nstate dict (PyTorch keys):', Object.entries(sd).map(([k, v]) => `${k} ${fmt(v)}`).join(', '));
// weight_ih_l0 (4H, E) stacks W_ii, W_if, W_ig, W_io row-wise; the same for weight_hh_l0 and the biases.
const [Wii, Wif, Wig, Wio] = chunk(sd.weight_ih_l0, 4, 0);
const [Whi, Whf, Whg, Who] = chunk(sd.weight_hh_l0, 4, 0);
const [bii, bif, big, bio] = chunk(sd.bias_ih_l0, 4, 0);
const [bhi, bhf, bhg, bho] = chunk(sd.bias_hh_l0, 4, 0);
console.log(`W_ii ${fmt(Wii)} (H, E), W_hi ${fmt(Whi)} (H, H), b_ii ${fmt(bii)} (H)`);

const x = randn([L, N, E]);
const h0 = randn([1, N, H]);
const c0 = randn([1, N, H]);
const [output, [hN, cN]] = lstm.forward(x, [h0, c0]);
console.log(`nn.LSTM: x ${fmt(x)} → output ${fmt(output)}, hN ${fmt(hN)}, cN ${fmt(cN)}`);

let h = select(h0, 0, 0); // (N, H)
let c = select(c0, 0, 0);
for (let step = 0; step < L; step++) {
  const xt = select(x, 0, step); // (N, E)
  const i = sigmoid(add(lin(xt, Wii, bii), lin(h, Whi, bhi)));
  const f = sigmoid(add(lin(xt, Wif, bif), lin(h, Whf, bhf)));
  const g = tanh(add(lin(xt, Wig, big), lin(h, Whg, bhg)));
  const o = sigmoid(add(lin(xt, Wio, bio), lin(h, Who, bho)));
  c = add(mul(f, c), mul(i, g));
  h = mul(o, tanh(c));
  const d = maxAbsDiff(h, select(output, 0, step));
  console.log(`step ${step}: gates i, f, g, o each ${fmt(i)}; by hand h_${step + 1} vs output[${step}]: max |diff| ${d.toExponential(2)}`);
  check(d < TOL, `LSTM step ${step} by hand equals nn.LSTM to 1e-6`);
}
check(maxAbsDiff(h, select(hN, 0, 0)) < TOL && maxAbsDiff(c, select(cN, 0, 0)) < TOL, 'the last h and c by hand equal hN and cN');

cell('2. GRU: the equations (PyTorch order of the gates: r, z, n)');
console.log(`r_t = σ(W_ir x_t + b_ir + W_hr h_(t−1) + b_hr)            reset gate
z_t = σ(W_iz x_t + b_iz + W_hz h_(t−1) + b_hz)            update gate
n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_(t−1) + b_hn))  candidate (r multiplies AFTER the bias b_hn)
h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1)
Two gates, reset and update: post 001's "update gate and output gate" is a slip; a GRU has no output gate.`);

const gru = new nn.GRU(E, H);
const gsd = gru.stateDict();
const [Wir, Wiz, Win] = chunk(gsd.weight_ih_l0, 3, 0);
const [Whr, Whz, Whn] = chunk(gsd.weight_hh_l0, 3, 0);
const [bir, biz, bin] = chunk(gsd.bias_ih_l0, 3, 0);
const [bhr, bhz, bhn] = chunk(gsd.bias_hh_l0, 3, 0);
console.log(`weight_ih_l0 ${fmt(gsd.weight_ih_l0)} (3H, E) = [W_ir; W_iz; W_in], weight_hh_l0 ${fmt(gsd.weight_hh_l0)} (3H, H)`);
const [gOut, gHN] = gru.forward(x, h0);
console.log(`nn.GRU: x ${fmt(x)} → output ${fmt(gOut)}, hN ${fmt(gHN)}`);
let hg = select(h0, 0, 0);
for (let step = 0; step < L; step++) {
  const xt = select(x, 0, step);
  const r = sigmoid(add(lin(xt, Wir, bir), lin(hg, Whr, bhr)));
  const z = sigmoid(add(lin(xt, Wiz, biz), lin(hg, Whz, bhz)));
  const n = tanh(add(lin(xt, Win, bin), mul(r, lin(hg, Whn, bhn))));
  hg = add(mul(sub(1, z), n), mul(z, hg));
  const d = maxAbsDiff(hg, select(gOut, 0, step));
  console.log(`step ${step}: gates r, z, n each ${fmt(r)}; by hand h_${step + 1} vs output[${step}]: max |diff| ${d.toExponential(2)}`);
  check(d < TOL, `GRU step ${step} by hand equals nn.GRU to 1e-6`);
}
check(maxAbsDiff(hg, select(gHN, 0, 0)) < TOL, 'the last h by hand equals hN');

cell('3. Notes on post 003');
console.log(`- "nonlinearity" belongs to nn.RNN only (tanh or relu); LSTM and GRU gates are fixed to σ and tanh
  (PyTorch raises TypeError for nn.LSTM(..., nonlinearity=...); here LSTMOptions has no such key, so tsc rejects it).
- proj_size (projSize here) adds h_t = W_hr (o_t ⊙ tanh(c_t)), shrinking h to projSize; see script 01.
- h_0 and c_0 default to zeros when omitted (checked in script 01).`);
