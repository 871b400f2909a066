import { allocate } from '../dtype.js';
import { fmtShape, numel } from '../shape.js';
import { defaultGenerator, type Generator } from '../random.js';
import { noGrad } from './grad_mode.js';
import { Tensor } from './tensor.js';

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  generator?: Generator;
}

export interface GradcheckFailure {
  input: number;
  index: number;
  analytic: number;
  numeric: number;
}

/**
 * Compares analytic gradients with central finite differences, in float64 (PyTorch:
 * `torch.autograd.gradcheck`). `fn` maps the inputs to one tensor or a list of tensors; a random upstream
 * gradient `u` (one per output) turns them into the scalar Σ u·out whose gradient is checked. Passes when
 * |analytic − numeric| ≤ atol + rtol·|numeric| for every element of every input that requires grad.
 *
 * @returns the failing elements (empty when the check passes)
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor | Tensor[],
  inputs: Tensor[],
  options: GradcheckOptions = {},
): GradcheckFailure[] {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const g = options.generator ?? defaultGenerator;
  for (const [i, t] of inputs.entries()) {
    if (t.requiresGrad && t.dtype !== 'float64') {
      throw new TypeError(`gradcheck: input ${i} is ${t.dtype}, expected float64 for a meaningful check`);
    }
  }
  const asList = (o: Tensor | Tensor[]): Tensor[] => (Array.isArray(o) ? o : [o]);
  const first = noGrad(() => asList(fn(...inputs)));
  const upstream = first.map((o) => {
    const u = allocate('float64', numel(o.shape));
    for (let k = 0; k < u.length; k++) u[k] = g.random() * 2 - 1;
    return u;
  });
  const objective = (): number =>
    noGrad(() => asList(fn(...inputs))).reduce((acc, o, k) => acc + dot(o.data, upstream[k]), 0);

  for (const t of inputs) t.grad = null;
  const outs = asList(fn(...inputs));
  outs.forEach((o, k) => {
    if (!o.requiresGrad) return;
    o.backward(new Tensor(upstream[k], o.shape), { retainGraph: true });
  });

  const failures: GradcheckFailure[] = [];
  inputs.forEach((t, i) => {
    if (!t.requiresGrad) return;
    for (let j = 0; j < t.data.length; j++) {
      const orig = t.data[j];
      t.data[j] = orig + eps;
      const plus = objective();
      t.data[j] = orig - eps;
      const minus = objective();
      t.data[j] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const analytic = t.grad === null ? 0 : t.grad.data[j];
      if (!(Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric))) {
        failures.push({ input: i, index: j, analytic, numeric });
      }
    }
  });
  return failures;
}

/** Throws with the first few mismatches if `gradcheck` fails (for tests). */
export function assertGradcheck(
  fn: (...inputs: Tensor[]) => Tensor | Tensor[],
  inputs: Tensor[],
  options: GradcheckOptions = {},
): void {
  const failures = gradcheck(fn, inputs, options);
  if (failures.length > 0) {
    const lines = failures
      .slice(0, 5)
      .map((f) => `input ${f.input} ${fmtShape(inputs[f.input].shape)} [${f.index}]: analytic ${f.analytic}, numeric ${f.numeric}`);
    throw new Error(`gradcheck failed at ${failures.length} element(s):\n${lines.join('\n')}`);
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
