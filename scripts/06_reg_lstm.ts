// RegLSTM (post 002): an LSTM with Linear(hidden, 1) at every time step, trained many-to-many on a noisy seasonal
// series to predict the next value; writes a plot of prediction vs truth as a small SVG.
// Run: pnpm tsx scripts/06_reg_lstm.ts [out.svg]     (default runs/reg_lstm.svg)
//
// Glossary: L sequence length, N batch, E input features, H hidden size.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Generator, manualSeed, nn, noGrad, optim, tensor, type Tensor } from '@recurrent/nn-core';
import { fmt, cell, check } from './lib/notebook.js';


manualSeed(0);
const outPath = process.argv[2] ?? 'runs/reg_lstm.svg';

cell('1. The data: 12 years of a monthly series with trend, yearly season and noise (seeded)');
// Shaped like the classic airline-passengers series: growth, a multiplicative yearly cycle, noise.
const months = 144;
const noise = new Generator(42);
const series: number[] = [];
for (let t = 0; t < months; t++) {
  const level = 120 + 2.2 * t;
  const season = 1 + 0.22 * Math.sin((2 * Math.PI * t) / 12) + 0.08 * Math.sin((4 * Math.PI * t) / 12);
  series.push(level * season + 6 * noise.normal());
}
const lo = Math.min(...series);
const hi = Math.max(...series);
const scaled = series.map((v) => (v - lo) / (hi - lo)); // to [0, 1]: LSTMs train best on small numbers
const trainMonths = 108; // fit on 9 years, test on the last 3
console.log(`series of ${months} values in [${lo.toFixed(1)}, ${hi.toFixed(1)}], scaled to [0, 1]; train on the first ${trainMonths}`);

// Many-to-many: at every step t the model sees x_t and predicts x_(t+1). Training windows of L steps,
// time-major (L, N, 1) as nn.LSTM expects by default.
const L = 24;
const starts: number[] = [];
for (let s = 0; s + L + 1 <= trainMonths; s += 3) starts.push(s);
const window = (offset: number): Tensor =>
  tensor(Array.from({ length: L }, (_, t) => starts.map((s) => [scaled[s + t + offset]])));
const x = window(0); // (L, N, 1)
const y = window(1); // (L, N, 1): the same windows shifted by one month
console.log(`training input x ${fmt(x)} (L, N, E=1), target y ${fmt(y)} (next month at every step)`);

cell('2. The model, as in the post');
class RegLSTM extends nn.Module {
  readonly rnn: nn.LSTM;
  readonly reg: nn.Sequential;
  constructor(inputSize: number, hiddenSize: number, hiddenNumLayers: number) {
    super();
    this.rnn = this.registerModule('rnn', new nn.LSTM(inputSize, hiddenSize, { numLayers: hiddenNumLayers }));
    // Regression head: input features = the LSTM's output size, one output.
    this.reg = this.registerModule('reg', new nn.Sequential(new nn.Linear(hiddenSize, 1)));
  }

  forward(input: Tensor): Tensor {
    const [out] = this.rnn.forward(input); // (L, N, H)
    const [seqLen, batchSize, hiddenSize] = out.shape;
    // The post writes `x = y.view(-1, hidden_size)`; `y` is undefined there, it means the LSTM output x.
    const flat = out.view([-1, hiddenSize]); // (L·N, H): every step of every sequence is one row
    return this.reg.forward(flat).view([seqLen, batchSize, -1]); // (L·N, 1) → (L, N, 1)
  }
}
const model = new RegLSTM(1, 16, 1);
console.log(model.toString());
console.log(`model(x) → ${fmt(model.forward(x))}`);
console.log('(nn.Linear also accepts (L, N, H) directly and maps the last dim; the view round trip is the post\'s way.)');

cell('3. Training: mean squared error at every step, Adam');
// The post's nn.MSELoss() criterion, as in PyTorch.
const criterion = new nn.MSELoss();
const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
const epochs = 60;
const losses: number[] = [];
for (let epoch = 1; epoch <= epochs; epoch++) {
  optimizer.zeroGrad();
  const loss = criterion.forward(model.forward(x), y);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
  console.log(`epoch ${String(epoch).padStart(2)}  loss ${loss.item().toFixed(6)}`);
}
check(losses[epochs - 1] < losses[0] / 5, 'the training loss falls at least 5×');

cell('4. One-step-ahead predictions over the whole series, and the plot');
// Every month from L on is predicted from the L months before it (the last step of a length-L window).
const firstPredicted = L;
const predicted: number[] = noGrad(() => {
  const allStarts = Array.from({ length: months - L }, (_, i) => i);
  const xs = tensor(Array.from({ length: L }, (_, t) => allStarts.map((s) => [scaled[s + t]]))); // (L, N_all, 1)
  const out = model.eval().forward(xs); // (L, N_all, 1)
  const last = out.select(0, L - 1); // (N_all, 1): the prediction for month s + L
  return Array.from(last.data, (v) => v * (hi - lo) + lo);
});
const rmse = (from: number, to: number, pred: (t: number) => number): number => {
  let acc = 0;
  for (let t = from; t < to; t++) acc += (pred(t) - series[t]) ** 2;
  return Math.sqrt(acc / (to - from));
};
const modelRmse = rmse(trainMonths, months, (t) => predicted[t - firstPredicted]);
const naiveRmse = rmse(trainMonths, months, (t) => series[t - 1]);
console.log(`test RMSE on the last ${months - trainMonths} months: RegLSTM ${modelRmse.toFixed(2)}, "same as last month" ${naiveRmse.toFixed(2)}`);

mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, svgPlot(series, predicted, firstPredicted, trainMonths));
console.log(`wrote ${outPath}`);

/** A hand-written SVG line chart: truth (grey), prediction (blue), the train/test split (dashed). */
function svgPlot(truth: number[], pred: number[], predFrom: number, split: number): string {
  const [W, Hgt, pad] = [640, 240, 24];
  const px = (t: number): string => (pad + (t * (W - 2 * pad)) / (truth.length - 1)).toFixed(1);
  const py = (v: number): string => (Hgt - pad - ((v - lo) * (Hgt - 2 * pad)) / (hi - lo)).toFixed(1);
  const line = (values: number[], from: number): string => values.map((v, i) => `${px(from + i)},${py(v)}`).join(' ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Hgt}" viewBox="0 0 ${W} ${Hgt}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${Hgt}" fill="white"/>`,
    `<line x1="${px(split)}" y1="${pad}" x2="${px(split)}" y2="${Hgt - pad}" stroke="#999" stroke-dasharray="4 3"/>`,
    `<polyline fill="none" stroke="#888" stroke-width="1.5" points="${line(truth, 0)}"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${line(pred, predFrom)}"/>`,
    `<text x="${pad}" y="16">truth (grey) vs RegLSTM one-step-ahead prediction (blue); test months right of the dashed line</text>`,
    '</svg>',
    '',
  ].join('\n');
}
