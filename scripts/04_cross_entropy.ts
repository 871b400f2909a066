// Cross entropy = logSoftmax + nllLoss (post 001), checked numerically, then a 3-line training loop.
// Run: pnpm tsx scripts/04_cross_entropy.ts
//
// Glossary: N batch, C classes, E input features.
import { argmax, F, gather, log, manualSeed, matmul, mean, neg, nn, optim, randn, softmax, squeeze, tensor, unsqueeze, type Tensor } from '@recurrent/nn-core';
import { fmt, cell, check } from './lib/notebook.js';


manualSeed(0);

cell('1. The two steps of post 001');
const x = randn([4, 3]); // logits: N=4 samples, C=3 classes
const target = tensor([0, 2, 1, 2], undefined, { dtype: 'int32' }); // class indices must be int32 (see the note)
const output = F.logSoftmax(x, -1); // 1. softmax then log, in one stable step
const loss = F.nllLoss(output, target); // 2. negative log-likelihood: −mean over n of output[n, target[n]]
const ce = F.crossEntropy(x, target); // both at once
console.log(`logits ${fmt(x)}, target ${fmt(target)} ${target.dtype}`);
console.log(`F.nllLoss(F.logSoftmax(x, -1), target) = ${loss.item().toFixed(7)}`);
console.log(`F.crossEntropy(x, target)             = ${ce.item().toFixed(7)}`);
check(Math.abs(loss.item() - ce.item()) < 1e-7, 'crossEntropy equals nllLoss(logSoftmax(x)) (|diff| < 1e-7)');

// The same number spelled out: pick each row's log-probability of its target class, negate, average.
const picked = squeeze(gather(output, 1, unsqueeze(target, 1)), 1); // (N)
const byHand = neg(mean(picked));
console.log(`−mean(logp[n, target[n]])              = ${byHand.item().toFixed(7)}  (picked ${Array.from(picked.data, (v) => v.toFixed(3)).join(', ')})`);
check(Math.abs(byHand.item() - ce.item()) < 1e-6, 'the hand-written formula agrees');
const naive = F.nllLoss(log(softmax(x, -1)), target);
console.log(`F.nllLoss(log(softmax(x)), target)     = ${naive.item().toFixed(7)}  (same here; logSoftmax is the stable way for large logits)`);

cell('2. "Weighted" loss: the optional per-class weight of nllLoss and crossEntropy');
// Post 001 calls nll_loss "the weighted loss": the weight is optional (default: all ones); with it, each sample
// counts w[target[n]] times and 'mean' divides by the sum of those weights.
const weight = tensor([1, 2, 0.5]);
const wNll = F.nllLoss(output, target, { weight });
const wCe = F.crossEntropy(x, target, { weight });
console.log(`with weight [1, 2, 0.5]: nllLoss ${wNll.item().toFixed(7)}, crossEntropy ${wCe.item().toFixed(7)}`);
check(Math.abs(wNll.item() - wCe.item()) < 1e-7, 'the weighted versions agree too');

cell('3. Gradients: d crossEntropy / d logits = (softmax(x) − onehot(target)) / N');
const xg = randn([4, 3], { requiresGrad: true });
F.crossEntropy(xg, target).backward();
const p = softmax(xg, 1).data;
let worst = 0;
for (let n = 0; n < 4; n++) {
  for (let c = 0; c < 3; c++) {
    const expected = (p[n * 3 + c] - (target.data[n] === c ? 1 : 0)) / 4;
    worst = Math.max(worst, Math.abs(xg.grad!.data[n * 3 + c] - expected));
  }
}
console.log(`x.grad ${fmt(xg.grad!)}, max |grad − (softmax − onehot)/N| = ${worst.toExponential(2)}`);
check(worst < 1e-6, 'backward matches the closed form');

cell('4. Training in 3 lines: zeroGrad, loss.backward(), step');
const inputs = randn([32, 5]); // N=32 samples, E=5 features
const labels = argmax(matmul(inputs, randn([5, 3])), 1); // (N) int32: a linearly separable toy task
const model = new nn.Linear(5, 3);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.5 });
const losses: number[] = [];
for (let epoch = 0; epoch < 30; epoch++) {
  optimizer.zeroGrad();
  const l = F.crossEntropy(model.forward(inputs), labels);
  l.backward();
  optimizer.step();
  losses.push(l.item());
}
console.log(`loss at epochs 0, 5, …, 25, 29: ${losses.filter((_, i) => i % 5 === 0 || i === 29).map((v) => v.toFixed(4)).join(' → ')}`);
const predicted = argmax(model.forward(inputs), 1);
const accuracy = Array.from(predicted.data).filter((v, i) => v === labels.data[i]).length / 32;
console.log(`training accuracy ${(accuracy * 100).toFixed(1)}%`);
check(losses[29] < losses[0] / 2, 'the loss at least halves in 30 steps');
console.log(`Note: JavaScript cannot tell 1 from 1.0, so tensor([0, 2, 1, 2]) would be float32; class indices need
{ dtype: 'int32' } (PyTorch infers int64). randint and argmax already return int32.`);
