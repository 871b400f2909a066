#!/usr/bin/env node
// `recurrent-train`: the command-line entry point of the installed package (in the source repository, `pnpm train`
// runs the same command from the TypeScript sources).
import '../dist/cli/train.js';
