#!/usr/bin/env node
/**
 * `pnpm predict [--model DIR] [TEXT ...]`: the label and label probabilities of each TEXT, or of each line of
 * stdin when no TEXT is given (blank lines are skipped; input is processed in batches, so stdin may be long).
 * With `--json`, one JSON object per line: `{"text", "label", "probs"}`.
 */
import { Classifier, type Prediction } from '../classifier.js';
import { DEFAULT_MODEL_DIR } from '../sentiment.js';
import { parseCliArgs, readInt, readString, UsageError } from './args.js';
import { checkModelDir } from './files.js';
import { cmd } from './command.js';
import { runCli } from './run.js';

const USAGE = `Usage: ${cmd.predict} [--model DIR] [--json] [TEXT ...]

Classifies each TEXT, or each line of stdin when no TEXT is given (blank lines are skipped), and prints the
label and the probability of every label.

Options:
  --model DIR      model directory written by \`${cmd.train}\` (default: the shipped SST-2 model,
                   ${DEFAULT_MODEL_DIR})
  --json           one JSON object per line: {"text", "label", "probs"}
  --batch-size N   texts per forward pass when reading stdin (default 256)
  --verbose        print stack traces with errors
  -h, --help       show this help

Examples:
  ${cmd.predict} "a gorgeous, witty, seductive movie."
  ${cmd.predict} --model runs/sst2-gru --json < sentences.txt

Exit codes: 0 success; 1 unexpected error; 2 bad arguments, input or model (one sentence on stderr).`;

const OPTIONS = {
  model: { type: 'string' },
  json: { type: 'boolean' },
  'batch-size': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function formatPrediction(text: string, p: Prediction, json: boolean): string {
  if (json) return JSON.stringify({ text, label: p.label, probs: p.probs });
  const probs = Object.entries(p.probs)
    .map(([label, q]) => `${label}=${q.toFixed(3)}`)
    .join(' ');
  return `${p.label}\t${probs}\t${text}`;
}

/** Lines of stdin, decoded as strict UTF-8 (a bad byte is a `UsageError` naming the line). */
async function* stdinLines(): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let lines = 0;
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw new UsageError(`stdin is not valid UTF-8 (a bad byte after line ${lines}); send UTF-8 text`);
    }
  };
  for await (const chunk of process.stdin) {
    pending += decode(chunk as Uint8Array);
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const p of parts) {
      lines++;
      yield p.endsWith('\r') ? p.slice(0, -1) : p;
    }
  }
  pending += decode();
  if (pending !== '') yield pending.endsWith('\r') ? pending.slice(0, -1) : pending;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseCliArgs(argv, OPTIONS, true);
  const modelDir = readString(values, 'model');
  const batchSize = readInt(values, 'batch-size', 1) ?? 256;
  const json = values.json === true;
  positionals.forEach((t, i) => {
    if (t.trim() === '') throw new UsageError(`TEXT ${i + 1} is empty: give a sentence to classify`);
  });
  const dir = modelDir ?? DEFAULT_MODEL_DIR;
  await checkModelDir(dir, modelDir === undefined);
  const clf = await Classifier.load(dir);

  const emit = (texts: string[]): void => {
    if (texts.length === 0) return;
    const preds = clf.predictBatch(texts, { batchSize });
    process.stdout.write(texts.map((t, i) => `${formatPrediction(t, preds[i], json)}\n`).join(''));
  };
  if (positionals.length > 0) {
    emit(positionals);
    return;
  }
  if (process.stdin.isTTY) process.stderr.write('reading texts from stdin, one per line (Ctrl-D to end)\n');
  let batch: string[] = [];
  for await (const line of stdinLines()) {
    if (line.trim() === '') continue;
    batch.push(line);
    if (batch.length >= batchSize) {
      emit(batch);
      batch = [];
    }
  }
  emit(batch);
}

await runCli(USAGE, main);
