/**
 * The name of a command as the user invoked it, for help texts and hints: `pnpm train` when it runs from the
 * repository's TypeScript sources (the root package.json's scripts), `recurrent-train` when it runs from an
 * installed package's bin.
 */
export type CommandName = 'train' | 'eval' | 'predict' | 'export-onnx';

/** `pnpm NAME` from the sources, `recurrent-NAME` from the built package (see the module doc). */
export function commandName(name: CommandName, script: string = process.argv[1] ?? ''): string {
  return /\.[cm]?ts$/.test(script) ? `pnpm ${name}` : `recurrent-${name}`;
}

/** Every command's name as invoked, e.g. `cmd.train` is `pnpm train` or `recurrent-train`. */
export const cmd: Readonly<Record<CommandName, string>> = {
  train: commandName('train'),
  eval: commandName('eval'),
  predict: commandName('predict'),
  'export-onnx': commandName('export-onnx'),
};
