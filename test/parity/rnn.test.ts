/**
 * Recurrent layers against PyTorch 1.13 (fixtures from scripts/reference/gen_rnn_fixtures.py, float64).
 * Each case loads PyTorch's state dict with strict loading (which also proves the parameter names), runs forward
 * with the same input, states and lengths, back-propagates the same upstream gradient, and compares the output,
 * hN, cN and the gradients of the input, h0, c0 and every parameter to ≤ 1e-10 relative.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { add, mul, nn, sum, tensor, type Tensor } from '@recurrent/nn-core';

interface Encoded {
  shape: number[];
  data: number[];
}

interface RnnCase {
  name: string;
  config: {
    mode: 'RNN' | 'LSTM' | 'GRU';
    inputSize: number;
    hiddenSize: number;
    numLayers: number;
    bias: boolean;
    batchFirst: boolean;
    bidirectional: boolean;
    nonlinearity?: 'tanh' | 'relu';
    projSize?: number;
  };
  lengths: number[] | null;
  input: Encoded;
  h0: Encoded | null;
  c0: Encoded | null;
  stateDict: Record<string, Encoded>;
  paramOrder: string[];
  upstream: { output: Encoded; hN: Encoded; cN: Encoded | null };
  expected: { output: Encoded; hN: Encoded; cN: Encoded | null };
  grads: { input: Encoded; h0: Encoded | null; c0: Encoded | null; params: Record<string, Encoded> };
}

const dir = join(import.meta.dirname, 'fixtures');
const load = (file: string): RnnCase[] => JSON.parse(readFileSync(join(dir, file), 'utf8')).cases;
const t64 = (e: Encoded, requiresGrad = false): Tensor =>
  tensor(Float64Array.from(e.data), e.shape, { dtype: 'float64', requiresGrad });

/** Largest |a − b| / max(1, |b|) over all elements; shapes must agree. */
function relErr(actual: Tensor | null | undefined, expected: Encoded): number {
  expect(actual, 'tensor is missing').toBeTruthy();
  expect(actual!.shape).toEqual(expected.shape);
  let worst = 0;
  expected.data.forEach((b, i) => {
    worst = Math.max(worst, Math.abs(actual!.data[i] - b) / Math.max(1, Math.abs(b)));
  });
  return worst;
}

function build(c: RnnCase['config']): nn.RNNBase {
  const o = { numLayers: c.numLayers, bias: c.bias, batchFirst: c.batchFirst, bidirectional: c.bidirectional, dtype: 'float64' as const };
  if (c.mode === 'LSTM') return new nn.LSTM(c.inputSize, c.hiddenSize, { ...o, projSize: c.projSize ?? 0 });
  if (c.mode === 'GRU') return new nn.GRU(c.inputSize, c.hiddenSize, o);
  return new nn.RNN(c.inputSize, c.hiddenSize, { ...o, nonlinearity: c.nonlinearity });
}

const TOL = 1e-10;

for (const file of ['rnn_tanh.json', 'rnn_relu.json', 'rnn_lstm.json', 'rnn_lstm_proj.json', 'rnn_gru.json']) {
  describe(`PyTorch parity: ${file}`, () => {
    const cases = load(file);
    it('has the 8 cases the generator writes per mode', () => {
      expect(cases.length).toBe(8);
    });
    for (const c of cases) {
      it(c.name, () => {
        const layer = build(c.config);
        const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, t64(v)]));
        layer.loadStateDict(sd, { strict: true });
        const x = t64(c.input, true);
        const h0 = c.h0 ? t64(c.h0, true) : null;
        const c0 = c.c0 ? t64(c.c0, true) : null;
        const opts = c.lengths ? { lengths: c.lengths } : {};
        let out: Tensor;
        let hN: Tensor;
        let cN: Tensor | null = null;
        if (layer instanceof nn.LSTM) {
          [out, [hN, cN]] = layer.forward(x, h0 && c0 ? [h0, c0] : null, opts);
        } else {
          [out, hN] = (layer as nn.RNN | nn.GRU).forward(x, h0, opts);
        }
        expect(relErr(out, c.expected.output)).toBeLessThanOrEqual(TOL);
        expect(relErr(hN, c.expected.hN)).toBeLessThanOrEqual(TOL);
        if (c.expected.cN) expect(relErr(cN, c.expected.cN)).toBeLessThanOrEqual(TOL);

        let loss = add(sum(mul(out, t64(c.upstream.output))), sum(mul(hN, t64(c.upstream.hN))));
        if (cN && c.upstream.cN) loss = add(loss, sum(mul(cN, t64(c.upstream.cN))));
        loss.backward();
        expect(relErr(x.grad, c.grads.input)).toBeLessThanOrEqual(TOL);
        if (c.grads.h0) expect(relErr(h0?.grad, c.grads.h0)).toBeLessThanOrEqual(TOL);
        if (c.grads.c0) expect(relErr(c0?.grad, c.grads.c0)).toBeLessThanOrEqual(TOL);
        const params = new Map(layer.namedParameters());
        expect([...params.keys()]).toEqual(c.paramOrder);
        for (const [k, g] of Object.entries(c.grads.params)) {
          expect(relErr(params.get(k)!.grad, g), k).toBeLessThanOrEqual(TOL);
        }
      });
    }
  });
}
