#!/usr/bin/env node
/**
 * `pnpm eval --model DIR --data FILE [--json]`: accuracy, macro-F1, per-class precision/recall/F1 and the
 * confusion matrix of a trained model on a labelled file. With `--json`, stdout is exactly one JSON object
 * `{"accuracy", "macroF1", "n", "perClass", "confusion", "labels"}` (labels are the model's display names).
 */
import { Classifier } from '../classifier.js';
import { DEFAULT_MODEL_DIR } from '../sentiment.js';
import { parseCliArgs, readInt, readString, UsageError } from './args.js';
import { checkModelDir, readDataFile } from './files.js';
import { metricsReport } from './format.js';
import { cmd } from './command.js';
import { runCli } from './run.js';

const USAGE = `Usage: ${cmd.eval} --model DIR --data FILE [--json]

Evaluates a trained model on a labelled data file: accuracy, macro-F1, per-class precision, recall and F1,
and the confusion matrix (rows: true label, columns: predicted).

Options:
  --model DIR        model directory written by \`${cmd.train}\` (default: the shipped SST-2 model,
                     ${DEFAULT_MODEL_DIR})
  --data FILE        labelled data: .tsv or .csv with a header row, or .jsonl (required)
  --text-col NAME    text column or key (default: sentence, then text)
  --label-col NAME   label column or key (default: label)
  --batch-size N     examples per forward pass (default 256)
  --json             print exactly one JSON object on stdout:
                     {"accuracy", "macroF1", "n", "perClass", "confusion", "labels"}
  --verbose          print stack traces with errors
  -h, --help         show this help

Exit codes: 0 success; 1 unexpected error; 2 bad arguments, data or model (one sentence on stderr).${cmd.eval.startsWith('pnpm') ? '\nIf your pnpm prints lines of its own on stdout, run `pnpm -s eval ... --json`.' : ''}`;

const OPTIONS = {
  model: { type: 'string' },
  data: { type: 'string' },
  'text-col': { type: 'string' },
  'label-col': { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<void> {
  const { values } = parseCliArgs(argv, OPTIONS);
  const modelDir = readString(values, 'model');
  const dataFile = readString(values, 'data');
  const batchSize = readInt(values, 'batch-size', 1) ?? 256;
  const read = { textColumn: readString(values, 'text-col'), labelColumn: readString(values, 'label-col') };
  if (dataFile === undefined) throw new UsageError('--data FILE is required: the labelled file to evaluate on');

  const dir = modelDir ?? DEFAULT_MODEL_DIR;
  await checkModelDir(dir, modelDir === undefined);
  const data = await readDataFile(dataFile, '--data', read);
  const clf = await Classifier.load(dir);
  const { metrics } = await clf.evaluate(data, { batchSize }); // a label the model does not know → DataFormatError

  if (values.json === true) {
    const { accuracy, macroF1, n, perClass, confusion } = metrics;
    process.stdout.write(`${JSON.stringify({ accuracy, macroF1, n, perClass, confusion, labels: metrics.labels })}\n`);
    return;
  }
  process.stdout.write(metricsReport(metrics, `${dir} on ${data.file}`));
}

await runCli(USAGE, main);
