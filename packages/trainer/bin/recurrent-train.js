#!/usr/bin/env node
// `recurrent-train`: the built CLI (run `pnpm build` first; from the repository, `pnpm train` runs the sources).
import '../dist/cli/train.js';
