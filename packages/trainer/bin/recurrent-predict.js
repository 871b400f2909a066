#!/usr/bin/env node
// `recurrent-predict`: the command-line entry point of the installed package (in the source repository, `pnpm predict`
// runs the same command from the TypeScript sources).
import '../dist/cli/predict.js';
