/**
 * Loads the PyTorch parity fixtures (test/parity/fixtures/*.json, written by scripts/reference/gen_fixtures.py)
 * and compares our numbers with them.
 *
 * Agreement criterion (the one place it is defined): an actual value `a` agrees with PyTorch's `b` when
 *
 *   - both are NaN, or both are the same infinity, or
 *   - both are finite and |a − b| ≤ tol · max(1, |b|),
 *
 * with `tol = 1e-10` for float64 (`F64_TOL`): relative to |b| for large values, absolute for |b| < 1. Shapes must
 * be equal and dtypes must match the fixture's. Float64 results that follow the same formulas as PyTorch
 * differ only by summation order and libm rounding, a few ulps (~1e-15), far inside 1e-10; a real bug (a
 * missing term, a wrong default, an off-by-one) shows up at 1e-3 or more.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Tensor, tensor } from '@recurrent/nn-core';

/** Relative tolerance for float64 results, as defined above. */
export const F64_TOL = 1e-10;

/** A tensor as stored in a fixture: flat row-major data; float64 unless `dtype` says otherwise. */
export interface EncodedTensor {
  shape: number[];
  data: (number | string)[];
  dtype?: 'float32' | 'int64' | 'bool';
}

export type Encoded = EncodedTensor | EncodedTensor[];

/** A case of an op fixture: inputs → outputs, and the gradient of every float input for `upstream`. */
export interface OpCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: Record<string, Encoded>;
  outputs: Record<string, Encoded>;
  upstream: Record<string, Encoded>;
  grads: Record<string, Encoded>;
  note?: string;
}

export interface Fixture<C> {
  torch: string;
  file: string;
  dtype: string;
  description: string;
  cases: C[];
}

const FIXTURE_DIR = join(import.meta.dirname, 'fixtures');

/** Reads `fixtures/<file>.json`. */
export function loadFixture<C = OpCase>(file: string): Fixture<C> {
  const text = readFileSync(join(FIXTURE_DIR, `${file}.json`), 'utf8');
  return JSON.parse(text) as Fixture<C>;
}

/** A fixture number: the strings "NaN", "Infinity", "-Infinity" stand for the non-finite values. */
export function decode(v: number | string | unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new TypeError(`fixture: ${JSON.stringify(v)} is not a number or one of "NaN", "Infinity", "-Infinity"`);
}

export interface ToTensorOptions {
  requiresGrad?: boolean;
}

/**
 * The tensor a fixture entry describes: float64 (`tensor(Float64Array.from(data), shape)`), float32 when the
 * entry says so, and int32 for int64 indices/targets and 0/1 booleans.
 */
export function toTensor(e: EncodedTensor, options: ToTensorOptions = {}): Tensor {
  const values = e.data.map(decode);
  if (e.dtype === 'int64' || e.dtype === 'bool') return tensor(Int32Array.from(values), e.shape);
  const data = e.dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return tensor(data, e.shape, { requiresGrad: options.requiresGrad });
}

/** `toTensor` over a tensor or a list of tensors. */
export function toTensors(e: Encoded, options: ToTensorOptions = {}): Tensor | Tensor[] {
  return Array.isArray(e) ? e.map((t) => toTensor(t, options)) : toTensor(e, options);
}

/** The dtype our tensor should have for a fixture entry. */
export function expectedDtype(e: EncodedTensor): string {
  return e.dtype === 'int64' || e.dtype === 'bool' ? 'int32' : (e.dtype ?? 'float64');
}

/** Whether `a` agrees with `b` under the criterion at the top of this file. */
export function agrees(a: number, b: number, tol: number = F64_TOL): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  if (!Number.isFinite(a)) return false;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

/**
 * The disagreements of `actual` with `expected` (empty when they agree): a shape or dtype mismatch, or up to
 * five elements as `what[i]: got a, expected b (|diff| d)`, followed by the count and the worst relative error.
 */
export function mismatches(actual: Tensor | null, expected: EncodedTensor, what: string, tol: number = F64_TOL): string[] {
  if (actual === null) {
    const zero = expected.data.every((v) => decode(v) === 0);
    return zero ? [] : [`${what}: got no tensor (null), expected shape [${expected.shape.join(', ')}]`];
  }
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    return [`${what}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`];
  }
  const dtype = expectedDtype(expected);
  if (actual.dtype !== dtype) return [`${what}: dtype ${actual.dtype}, expected ${dtype}`];
  const out: string[] = [];
  let bad = 0;
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const b = decode(expected.data[i]);
    if (agrees(a, b, tol)) continue;
    bad++;
    const diff = Math.abs(a - b);
    worst = Math.max(worst, Number.isFinite(diff) ? diff / Math.max(1, Math.abs(b)) : Infinity);
    if (out.length < 5) out.push(`${what}[${i}]: got ${a}, expected ${b} (|diff| ${diff})`);
  }
  if (bad > 0) out.push(`${what}: ${bad} of ${expected.data.length} elements disagree, worst relative error ${worst}`);
  return out;
}

/** `mismatches` over a tensor or a list of tensors. */
export function mismatchesAll(actual: Tensor | Tensor[] | null, expected: Encoded, what: string, tol = F64_TOL): string[] {
  if (!Array.isArray(expected)) {
    if (Array.isArray(actual)) return [`${what}: got a list of ${actual.length} tensors, expected one tensor`];
    return mismatches(actual, expected, what, tol);
  }
  if (!Array.isArray(actual)) return [`${what}: got one tensor, expected a list of ${expected.length}`];
  if (actual.length !== expected.length) return [`${what}: got ${actual.length} tensors, expected ${expected.length}`];
  return expected.flatMap((e, i) => mismatches(actual[i], e, `${what}[${i}]`, tol));
}

/** Asserts agreement (vitest), printing every disagreement. */
export function expectClose(actual: Tensor | Tensor[] | null, expected: Encoded, what: string, tol = F64_TOL): void {
  const problems = mismatchesAll(actual, expected, what, tol);
  expect(problems, problems.join('\n')).toEqual([]);
}

/** Asserts that a plain number agrees with a fixture number. */
export function expectNumber(actual: number, expected: number | string, what: string, tol = F64_TOL): void {
  const b = decode(expected);
  const problems = agrees(actual, b, tol) ? [] : [`${what}: got ${actual}, expected ${b} (|diff| ${Math.abs(actual - b)})`];
  expect(problems, problems.join('\n')).toEqual([]);
}

export type OpInputs = Record<string, Tensor | Tensor[]>;
export type OpOutputs = Tensor | Tensor[] | Record<string, Tensor | Tensor[]>;

export interface RunOptions {
  /** Inputs that get no gradient (PyTorch does not differentiate class weights). */
  constants?: string[];
  tol?: number;
}

/**
 * Runs one op case: builds the inputs (float inputs require grad), calls `call`, compares every output,
 * back-propagates the fixture's upstream gradient from every differentiable output, and compares the
 * gradient of every float input. `call` returns one tensor (output `out`), a list (output `out` of chunk/split),
 * or a record by output name (`values`, `indices`).
 */
export function checkOpCase(c: OpCase, call: (inputs: OpInputs, args: Record<string, unknown>) => OpOutputs, options: RunOptions = {}): void {
  const constants = new Set(options.constants ?? ['weight']);
  const tol = options.tol ?? F64_TOL;
  const inputs: OpInputs = {};
  for (const [k, e] of Object.entries(c.inputs)) {
    const isFloat = (t: EncodedTensor): boolean => t.dtype !== 'int64' && t.dtype !== 'bool';
    const grad = !constants.has(k) && (Array.isArray(e) ? e.every(isFloat) : isFloat(e));
    inputs[k] = toTensors(e, { requiresGrad: grad });
  }
  const result = call(inputs, c.args);
  const outputs: Record<string, Tensor | Tensor[]> =
    result instanceof Tensor || Array.isArray(result) ? { out: result } : result;
  const problems: string[] = [];
  for (const [k, e] of Object.entries(c.outputs)) {
    problems.push(...mismatchesAll(outputs[k] ?? null, e, `${c.name} output ${k}`, tol));
  }
  expect(problems, problems.join('\n')).toEqual([]);
  for (const [k, e] of Object.entries(c.upstream)) {
    const outs = outputs[k];
    const list = Array.isArray(outs) ? outs : [outs];
    const seeds = Array.isArray(e) ? e : [e];
    list.forEach((o, i) => {
      // Each output gets its own backward call; gradients accumulate, which equals one backward from Σ o·u.
      if (o.requiresGrad) o.backward(toTensor(seeds[i]), { retainGraph: true });
    });
  }
  for (const [k, e] of Object.entries(c.grads)) {
    const inp = inputs[k];
    const grads = Array.isArray(inp) ? inp.map((t) => t.grad ?? null) : (inp.grad ?? null);
    problems.push(...mismatchesAllNullable(grads, e, `${c.name} grad ${k}`, tol));
  }
  expect(problems, problems.join('\n')).toEqual([]);
}

function mismatchesAllNullable(actual: Tensor | null | (Tensor | null)[], expected: Encoded, what: string, tol: number): string[] {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return [`${what}: got ${actual.length} gradients, expected ${expected.length}`];
    return expected.flatMap((e, i) => mismatches(actual[i], e, `${what}[${i}]`, tol));
  }
  if (Array.isArray(actual) || Array.isArray(expected)) return [`${what}: list/tensor structure differs from the fixture`];
  return mismatches(actual, expected, what, tol);
}

/** Fixture `args[key]` as a number (decoding "Infinity" and friends). */
export function numArg(args: Record<string, unknown>, key: string): number {
  return decode(args[key]);
}

/** The state dict of a fixture as float tensors by PyTorch key. */
export function toStateDict(sd: Record<string, EncodedTensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, e]) => [k, toTensor(e)]));
}

/** Input `name` of a case as one tensor. */
export function one(inputs: OpInputs, name: string): Tensor {
  const t = inputs[name];
  if (!(t instanceof Tensor)) throw new TypeError(`fixture input '${name}' is ${Array.isArray(t) ? 'a list' : 'missing'}, expected a tensor`);
  return t;
}

/** Input `name` of a case as a list of tensors. */
export function many(inputs: OpInputs, name: string): Tensor[] {
  const t = inputs[name];
  if (!Array.isArray(t)) throw new TypeError(`fixture input '${name}' is not a list of tensors`);
  return t;
}

/** A tensor input, or the number the case passes in `args` under the same name (a JavaScript-number operand). */
export function operand(inputs: OpInputs, args: Record<string, unknown>, name: string): Tensor | number {
  return name in inputs ? one(inputs, name) : numArg(args, name);
}
