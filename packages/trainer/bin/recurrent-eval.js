#!/usr/bin/env node
// `recurrent-eval`: the command-line entry point of the installed package (in the source repository, `pnpm eval`
// runs the same command from the TypeScript sources).
import '../dist/cli/eval.js';
