// A first look at autograd, the way a PyTorch notebook starts: y = x² + x, so dy/dx = 2x + 1.
import { add, manualSeed, mul, randn, sum } from '@recurrent/nn-core';

manualSeed(0);
const x = randn([3], { requiresGrad: true });
const y = sum(add(mul(x, x), x));
y.backward();
console.log('x          ', Array.from(x.data, (v) => v.toFixed(4)).join('  '));
console.log('dy/dx      ', Array.from(x.grad!.data, (v) => v.toFixed(4)).join('  '));
console.log('2x + 1     ', Array.from(x.data, (v) => (2 * v + 1).toFixed(4)).join('  '));
