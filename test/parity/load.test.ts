/** The fixture loader and the agreement criterion: the comparisons used by every parity test can fail. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exp, tanh, tensor } from '@recurrent/nn-core';
import { agrees, checkOpCase, decode, loadFixture, mismatches, one, toTensor, type OpCase } from './load.js';

describe('parity fixture loader', () => {
  it('decodes "NaN", "Infinity", "-Infinity" and rejects other strings', () => {
    expect(decode('NaN')).toBeNaN();
    expect(decode('Infinity')).toBe(Infinity);
    expect(decode('-Infinity')).toBe(-Infinity);
    expect(decode(-0.25)).toBe(-0.25);
    expect(() => decode('inf')).toThrow(/not a number/);
  });

  it('builds float64 tensors by default, int32 for int64/bool entries, float32 when marked', () => {
    expect(toTensor({ shape: [2], data: [1.5, 'NaN'] }).dtype).toBe('float64');
    expect(toTensor({ shape: [3], data: [2, 0, 1], dtype: 'int64' }).dtype).toBe('int32');
    expect(toTensor({ shape: [1], data: [1], dtype: 'bool' }).dtype).toBe('int32');
    expect(toTensor({ shape: [1], data: [0.1], dtype: 'float32' }).data[0]).toBe(Math.fround(0.1));
  });

  it('agrees at 1e-10 relative (absolute below 1) and not at 3e-10', () => {
    expect(agrees(1000 + 1e-7, 1000)).toBe(true); // 1e-7 ≤ 1e-10 · 1000
    expect(agrees(1000 + 3e-7, 1000)).toBe(false);
    expect(agrees(1e-3 + 0.9e-10, 1e-3)).toBe(true); // absolute for |b| < 1
    expect(agrees(1e-3 + 3e-10, 1e-3)).toBe(false);
    expect(agrees(NaN, NaN)).toBe(true);
    expect(agrees(0, NaN)).toBe(false);
    expect(agrees(Infinity, Infinity)).toBe(true);
    expect(agrees(-Infinity, Infinity)).toBe(false);
    expect(agrees(Infinity, 1e308)).toBe(false);
  });

  it('reports shape, dtype and value mismatches', () => {
    const t = tensor(Float64Array.from([1, 2, 3, 4]), [2, 2]);
    expect(mismatches(t, { shape: [4], data: [1, 2, 3, 4] }, 'x')[0]).toMatch(/shape \[2, 2\], expected \[4\]/);
    expect(mismatches(t, { shape: [2, 2], data: [1, 2, 3, 4], dtype: 'float32' }, 'x')[0]).toMatch(/dtype float64/);
    const m = mismatches(t, { shape: [2, 2], data: [1, 2, 3.001, 4] }, 'x');
    expect(m[0]).toMatch(/x\[2\]: got 3, expected 3.001/);
    expect(mismatches(t, { shape: [2, 2], data: [1, 2, 3, 4] }, 'x')).toEqual([]);
  });

  it('checkOpCase fails on a wrong op and on a gradient perturbed by 1e-9', () => {
    const c = loadFixture('unary').cases.find((k) => k.name === 'tanh_3x4') as OpCase;
    expect(() => checkOpCase(c, (inputs) => tanh(one(inputs, 'x')))).not.toThrow();
    expect(() => checkOpCase(c, (inputs) => exp(one(inputs, 'x')))).toThrow();
    const grad = c.grads.x as { shape: number[]; data: number[] };
    const perturbed: OpCase = { ...c, grads: { x: { ...grad, data: grad.data.map((v, i) => (i === 5 ? v + 1e-9 : v)) } } };
    expect(() => checkOpCase(perturbed, (inputs) => tanh(one(inputs, 'x')))).toThrow(/grad x\[5\]/);
  });
});

describe('committed fixtures from scripts/reference/gen_fixtures.py', () => {
  const files = ['unary', 'binary', 'reduce', 'matmul', 'softmax', 'where', 'cast', 'shape', 'linear_embedding', 'loss',
    'clip_grad_norm', 'optim'];
  for (const file of files) {
    it(`${file}.json: torch 1.13, under 300 KB, unique case names`, () => {
      const fx = loadFixture<{ name: string }>(file);
      expect(fx.torch).toMatch(/^1\.13\./);
      expect(fx.file).toBe(file);
      expect(statSync(join(import.meta.dirname, 'fixtures', `${file}.json`)).size).toBeLessThan(300_000);
      const names = fx.cases.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
    });
  }
});
