/**
 * How every command ends: exit codes and error messages.
 *
 * | exit | when |
 * |---|---|
 * | 0 | success, or `--help` |
 * | 1 | an unexpected error (a bug): its message, and the stack trace with `--verbose` |
 * | 2 | bad arguments or input files (`UsageError`), and the library's typed errors for bad data or models (`DataFormatError`, `ModelFormatError`, the tokenizer's `TokenizerFormatError`, and its `MissingDependencyError` when a model or option needs the optional package `natural`) and a diverging training loss (`NonFiniteLossError`): one sentence, no stack trace unless `--verbose` |
 *
 * The exit code is set with `process.exitCode` (not `process.exit()`), so everything already written to a
 * piped stdout is flushed.
 */
import { MissingDependencyError, TokenizerFormatError } from '@recurrent/tokenizer';
import { DataFormatError, ModelFormatError, NonFiniteLossError } from '../errors.js';
import { UsageError } from './args.js';

export const EXIT_OK = 0;
export const EXIT_UNEXPECTED = 1;
export const EXIT_USAGE = 2;

/** The exit code of an error thrown by a command. */
export function exitCodeOf(err: unknown): number {
  if (
    err instanceof UsageError ||
    err instanceof DataFormatError ||
    err instanceof ModelFormatError ||
    err instanceof TokenizerFormatError ||
    err instanceof MissingDependencyError ||
    err instanceof NonFiniteLossError
  ) {
    return EXIT_USAGE;
  }
  return EXIT_UNEXPECTED;
}

/** One line for stderr: the message as one sentence ending in a period. */
export function errorLine(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const msg = raw.split('\n')[0].trim();
  const sentence = /[.!?]$/.test(msg) ? msg : `${msg}.`;
  if (err instanceof NonFiniteLossError) return `error: ${sentence.slice(0, -1)}; try a lower --lr or a --clip-grad-norm.`;
  return `error: ${sentence}`;
}

/**
 * Runs a command: prints `usage` for `--help`/`-h`, otherwise `main(argv)`; maps what it throws to a message
 * and an exit code (see the module doc). `--verbose` anywhere in argv adds stack traces.
 */
export async function runCli(usage: string, main: (argv: string[]) => Promise<void>, argv: string[] = process.argv.slice(2)): Promise<void> {
  const verbose = argv.includes('--verbose');
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK); // the reader went away (`| head`): not an error
    throw err;
  });
  const dashDash = argv.indexOf('--');
  const options = dashDash < 0 ? argv : argv.slice(0, dashDash);
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exitCode = EXIT_OK;
    return;
  }
  try {
    await main(argv);
  } catch (err) {
    const code = exitCodeOf(err);
    process.stderr.write(`${errorLine(err)}\n`);
    if (verbose && err instanceof Error && err.stack !== undefined) process.stderr.write(`${err.stack}\n`);
    else if (code === EXIT_UNEXPECTED) process.stderr.write('(this is a bug or an environment problem; run with --verbose for the stack trace)\n');
    process.exitCode = code;
  }
}
