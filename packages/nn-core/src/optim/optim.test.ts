import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import type { FloatDType } from '../dtype.js';
import { Parameter } from '../nn/parameter.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

/**
 * Expected parameters after each of 3 steps, from torch 1.13 (script below, run with Debian's python3):
 *
 *   x0 = [0.5, -1.25, 2.0, 0.75, -0.3]
 *   def grad(step): return [((i * 7 + step * 3) % 11 - 5) / 4 for i in range(5)]   # exact in float32
 *   def run(cls, dtype=torch.float32, steps=3, **kw):
 *       p = torch.tensor(x0, dtype=dtype, requires_grad=True); opt = cls([p], **kw); out = []
 *       for s in range(steps):
 *           p.grad = torch.tensor(grad(s), dtype=dtype); opt.step(); out.append(p.detach().tolist())
 *       return out
 *   run(torch.optim.SGD, lr=0.1)  # sgd_plain, and so on with the options in CASES
 */
const EXPECTED: Record<string, number[][]> = {
  sgd_plain: [[0.625, -1.2999999523162842, 2.049999952316284, 0.625, -0.32500001788139343], [0.675000011920929, -1.4249999523162842, 2.0249998569488525, 0.699999988079071, -0.42500001192092896], [0.6500000357627869, -1.3499999046325684, 1.9249998331069946, 0.699999988079071, -0.32500001788139343]],
  sgd_momentum: [[0.6244999766349792, -1.2987500429153442, 2.0480000972747803, 0.6242499947547913, -0.3246999979019165], [0.7809879183769226, -1.453956127166748, 2.066856861114502, 0.5780131816864014, -0.4366377592086792], [0.8986241817474365, -1.524833083152771, 1.991967797279358, 0.5358798503875732, -0.4469887614250183]],
  sgd_nesterov: [[0.6140000224113464, -1.2856249809265137, 2.0285000801086426, 0.6241250038146973, -0.320900022983551], [0.7042670249938965, -1.4073491096496582, 1.9976292848587036, 0.635783314704895, -0.42176148295402527], [0.735329806804657, -1.3818162679672241, 1.8762463331222534, 0.6092944145202637, -0.3699741065502167]],
  sgd_maximize: [[0.375, -1.2000000476837158, 1.9500000476837158, 0.875, -0.2750000059604645], [0.26249998807907104, -1.0500000715255737, 1.9500000476837158, 0.862500011920929, -0.16250000894069672], [0.23124998807907104, -1.0500000715255737, 2.049999952316284, 0.856249988079071, -0.20625001192092896]],
  adam_default: [[0.5099999904632568, -1.2599999904632568, 2.009999990463257, 0.7400000095367432, -0.3100000023841858], [0.5189857482910156, -1.2693970203399658, 2.0126633644104004, 0.7380850315093994, -0.3188437819480896], [0.5246474146842957, -1.2726316452026367, 2.008090019226074, 0.7366047501564026, -0.3192998468875885]],
  adam_wd_amsgrad: [[0.5099999904632568, -1.2599999904632568, 2.009999990463257, 0.7400000095367432, -0.3100000023841858], [0.5186565518379211, -1.2694231271743774, 2.0069425106048584, 0.7379687428474426, -0.3190329074859619], [0.5231248140335083, -1.2706842422485352, 1.9995909929275513, 0.7361524105072021, -0.31846001744270325]],
  adam_maximize: [[0.49000799655914307, -1.2400199174880981, 1.9900199174880981, 0.7599920034408569, -0.2900398373603821], [0.4810316860675812, -1.2306326627731323, 1.9873632192611694, 0.7619051337242126, -0.28120818734169006], [0.4753771424293518, -1.227401614189148, 1.9919296503067017, 0.763383686542511, -0.28075268864631653]],
  adamw_default: [[0.5099499821662903, -1.259874939918518, 2.0097999572753906, 0.7399250268936157, -0.3099699914455414], [0.5188847184181213, -1.2691459655761719, 2.0122623443603516, 0.7379360198974609, -0.318782776594162], [0.524494469165802, -1.2722536325454712, 2.0074877738952637, 0.7363819479942322, -0.31920695304870605]],
  adamw_amsgrad: [[0.5375000238418579, -1.2687499523162842, 2.0, 0.6812500357627869, -0.3425000011920929], [0.5689913034439087, -1.2840166091918945, 1.9633169174194336, 0.6546438932418823, -0.3781563341617584], [0.5830749869346619, -1.2680892944335938, 1.8913674354553223, 0.6308801174163818, -0.37098273634910583]],
  adam_f64: [[0.5099999999166667, -1.2599999997333333, 2.009999999666667, 0.7400000000754717, -0.30999999954545454], [0.5188841735169124, -1.2691788788985665, 2.0075130489199102, 0.7374150989648218, -0.3187396951380138], [0.5241019314442784, -1.271079530155374, 2.0008992635638276, 0.7351028332062784, -0.31882188413164125]],
  sgd_f64: [[0.7375, -1.345, 2.095, 0.5125, -0.3475], [0.9337500000000001, -1.623, 2.088, 0.55375, -0.55775], [1.017875, -1.6182, 1.9142000000000001, 0.5233749999999999, -0.466975]],
};

const X0 = [0.5, -1.25, 2.0, 0.75, -0.3];
const grad = (step: number): number[] => X0.map((_, i) => (((i * 7 + step * 3) % 11) - 5) / 4);

type Make = (p: Parameter[]) => Optimizer;
const CASES: [string, FloatDType, Make][] = [
  ['sgd_plain', 'float32', (p) => new SGD(p, { lr: 0.1 })],
  ['sgd_momentum', 'float32', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 })],
  ['sgd_nesterov', 'float32', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 })],
  ['sgd_maximize', 'float32', (p) => new SGD(p, { lr: 0.1, momentum: 0.5, maximize: true })],
  ['adam_default', 'float32', (p) => new Adam(p, { lr: 0.01 })],
  ['adam_wd_amsgrad', 'float32', (p) => new Adam(p, { lr: 0.01, weightDecay: 0.1, amsgrad: true, betas: [0.8, 0.99] })],
  ['adam_maximize', 'float32', (p) => new Adam(p, { lr: 0.01, maximize: true, eps: 1e-3 })],
  ['adamw_default', 'float32', (p) => new AdamW(p, { lr: 0.01 })],
  ['adamw_amsgrad', 'float32', (p) => new AdamW(p, { lr: 0.05, weightDecay: 0.5, amsgrad: true })],
  ['adam_f64', 'float64', (p) => new Adam(p, { lr: 0.01, weightDecay: 0.1 })],
  ['sgd_f64', 'float64', (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true })],
];

function run(dtype: FloatDType, make: Make, steps = 3): number[][] {
  const p = new Parameter(tensor(X0, undefined, { dtype }));
  const opt = make([p]);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    p.grad = tensor(grad(s), undefined, { dtype });
    opt.step();
    out.push(Array.from(p.data));
  }
  return out;
}

describe('optimizers match torch 1.13 step by step', () => {
  for (const [name, dtype, make] of CASES) {
    it(`${name} (${dtype})`, () => {
      const got = run(dtype, make);
      const want = EXPECTED[name];
      // float32: equal to the last bit or within 1 ulp (PyTorch's vectorized kernels may fuse differently).
      got.forEach((row, s) =>
        row.forEach((v, i) => expect(Math.abs(v - want[s][i])).toBeLessThanOrEqual(dtype === 'float32' ? 1.2e-7 * Math.abs(want[s][i]) : 1e-15)),
      );
    });
  }
});
