#!/usr/bin/env node
// `recurrent-eval`: the built CLI (run `pnpm build` first; from the repository, `pnpm eval` runs the sources).
import '../dist/cli/eval.js';
