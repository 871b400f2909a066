#!/usr/bin/env node
// `recurrent-export-onnx`: the built CLI (run `pnpm build` first; from the repository, `pnpm export-onnx` runs the sources).
import '../dist/cli/export_onnx.js';
