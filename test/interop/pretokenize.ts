/**
 * Writes a copy of a TSV data file whose text column is replaced by our tokenizer's tokens joined by single
 * spaces, so a Python trainer that splits on whitespace sees exactly our tokens (scripts/reference/train_ddp.py).
 * Our tokens never contain whitespace.
 *
 *   pnpm tsx test/interop/pretokenize.ts IN.tsv OUT.tsv [--text-col sentence]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Tokenizer } from '@recurrent/tokenizer';

async function main(argv: string[]): Promise<void> {
  const [input, output] = argv;
  const col = argv.includes('--text-col') ? argv[argv.indexOf('--text-col') + 1] : 'sentence';
  if (input === undefined || output === undefined) {
    process.stderr.write('usage: pnpm tsx test/interop/pretokenize.ts IN.tsv OUT.tsv [--text-col sentence]\n');
    process.exitCode = 2;
    return;
  }
  const tokenizer = new Tokenizer({}); // the defaults, as `pnpm train` uses
  const lines = (await readFile(input, 'utf8')).split('\n');
  const header = lines[0].split('\t');
  const at = header.indexOf(col);
  if (at < 0) {
    process.stderr.write(`error: ${input} has no column '${col}' (columns: ${header.join(', ')}).\n`);
    process.exitCode = 2;
    return;
  }
  const out = [lines[0]];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const cells = line.split('\t');
    cells[at] = tokenizer.tokenize(cells[at]).join(' ');
    out.push(cells.join('\t'));
  }
  await writeFile(output, `${out.join('\n')}\n`);
  process.stdout.write(`${output}: ${out.length - 1} rows\n`);
}

await main(process.argv.slice(2));
