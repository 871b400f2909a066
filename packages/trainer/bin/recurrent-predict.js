#!/usr/bin/env node
// `recurrent-predict`: the built CLI (run `pnpm build` first; from the repository, `pnpm predict` runs the sources).
import '../dist/cli/predict.js';
