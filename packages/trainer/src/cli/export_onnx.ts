#!/usr/bin/env node
/**
 * `pnpm export-onnx --model DIR --out FILE.onnx`: the model as a standard ONNX graph (opset 14) for ONNX Runtime
 * or any ONNX backend. See `onnx/export.ts` for the graph, its inputs (`ids`, `lengths`) and outputs
 * (`log_probs`, `probs`).
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@recurrent/nn-core';
import { MODEL_FILES } from '../checkpoint.js';
import { loadModel } from '../model.js';
import { exportOnnx, ONNX_OPSET } from '../onnx/export.js';
import { parseCliArgs, readString, UsageError } from './args.js';
import { checkModelDir } from './files.js';
import { cmd } from './command.js';
import { runCli } from './run.js';

const USAGE = `Usage: ${cmd['export-onnx']} --model DIR --out FILE.onnx

Writes the model of DIR as an ONNX graph (opset ${ONNX_OPSET}): Gather → LSTM/GRU/RNN with sequence_lens →
pooling → Gemm → LogSoftmax, float32.

  inputs:  ids      int64 (batch, sequence)  token ids from the model's tokenizer and ${MODEL_FILES.vocab},
                                             padded with 0 (<pad>) after each sentence
           lengths  int64 (batch)            tokens of each sentence, 1..sequence
  outputs: log_probs, probs  float32 (batch, classes), classes in the order of config.json's labels

Batch size and sequence length are dynamic. The labels, label names and architecture are stored in the
file's metadata; tokenize with the model directory's config.json and ${MODEL_FILES.vocab}.

Options:
  --model DIR    model directory written by \`${cmd.train}\` (required)
  --out FILE     the .onnx file to write (required; its directory is created)
  --verbose      print stack traces with errors
  -h, --help     show this help

Example:
  ${cmd['export-onnx']} --model runs/sst2-gru --out runs/sst2-gru/model.onnx

Exit codes: 0 success; 1 unexpected error; 2 bad arguments or model (one sentence on stderr).`;

const OPTIONS = {
  model: { type: 'string' },
  out: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<void> {
  const { values } = parseCliArgs(argv, OPTIONS);
  const dir = readString(values, 'model');
  const out = readString(values, 'out');
  if (dir === undefined) throw new UsageError('--model DIR is required: the model directory to export');
  if (out === undefined) throw new UsageError('--out FILE is required: where to write the .onnx file');
  if (!out.endsWith('.onnx')) throw new UsageError(`--out must name a .onnx file, got '${out}'`);
  await checkModelDir(dir, false);
  const { model, config } = await loadModel(dir);
  const bytes = exportOnnx(model, {
    metadata: { labels: JSON.stringify(config.labels), labelNames: JSON.stringify(config.labelNames), tokenizer: JSON.stringify(config.tokenizer) },
  });
  await mkdir(dirname(out), { recursive: true });
  await writeFileAtomic(out, bytes);
  const c = model.config;
  process.stdout.write(`wrote ${out} (${(bytes.length / 1024).toFixed(1)} KiB, opset ${ONNX_OPSET}, ${c.cell} ${c.pooling} pooling, ${c.numClasses} classes)\n`);
}

await runCli(USAGE, main);
