// Writes a safetensors file with @recurrent and a JSON description of it, for the Python side to check
// that torch/safetensors read what we wrote (CI has no Python, so this is a script, not a test):
//   pnpm tsx scripts/reference/write_safetensors_sample.ts [OUT_DIR]
//   /usr/bin/python3 scripts/reference/make_safetensors_fixture.py check OUT_DIR/sample.safetensors OUT_DIR/sample.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveSafetensors, tensor, type Tensor } from '@recurrent/nn-core';

const outDir = process.argv[2] ?? '/tmp/recurrent-safetensors';
mkdirSync(outDir, { recursive: true });

const tensors: Record<string, Tensor> = {
  'lstm.weight_ih_l0': tensor(Float32Array.from({ length: 12 }, (_, i) => Math.cos(i) / 3), [4, 3]),
  'lstm.bias_ih_l0': tensor(new Float32Array([0.5, -0.25, 0.125, 1e-3])),
  special: tensor(new Float32Array([-0, Infinity, -Infinity, NaN, 2 ** -149, 3.4028234663852886e38])),
  scalar: tensor(new Float32Array([0.1]), []),
  empty: tensor(new Float32Array(0), [0, 3]),
  'head.weight': tensor(Float64Array.from({ length: 6 }, (_, i) => Math.sin(i + 1) * 1e-5), [2, 3]),
  pi: tensor(new Float64Array([Math.PI]), []),
  labels: tensor(new Int32Array([-2147483648, -1, 0, 2147483647])),
  'vocab.ids': tensor(Int32Array.from({ length: 6 }, (_, i) => i * 7), [3, 2]),
  'ünïcode.😀': tensor(new Int32Array([1])),
  'empty.ids': tensor(new Int32Array(0), [0]),
};
// `__proto__:` in an object literal would set the prototype; define it as an own key, as JSON.parse would.
Object.defineProperty(tensors, '__proto__', { value: tensor(new Int32Array([5, 6]), [2]), enumerable: true });
const metadata = { format: 'pt', source: '@recurrent', note: 'quote " slash / newline \n end' };

const path = join(outDir, 'sample.safetensors');
await saveSafetensors(path, tensors, metadata);

const jsonValue = (v: number): number | string =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : Object.is(v, -0) ? '-0' : v;
const names = { float32: 'F32', float64: 'F64', int32: 'I32' } as const;
const described = Object.fromEntries(
  Object.keys(tensors).map((name) => {
    const t = tensors[name];
    const hex = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex');
    return [name, { dtype: names[t.dtype], shape: t.shape, hex, values: Array.from(t.data, jsonValue) }];
  }),
);
writeFileSync(join(outDir, 'sample.json'), `${JSON.stringify({ metadata, tensors: described }, null, 1)}\n`);
process.stdout.write(`wrote ${path} and sample.json (${Object.keys(tensors).length} tensors)\n`);
