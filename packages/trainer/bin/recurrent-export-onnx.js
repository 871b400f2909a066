#!/usr/bin/env node
// `recurrent-export-onnx`: the command-line entry point of the installed package (in the source repository, `pnpm export-onnx`
// runs the same command from the TypeScript sources).
import '../dist/cli/export_onnx.js';
