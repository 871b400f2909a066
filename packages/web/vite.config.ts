/**
 * Vite config of the page: plain TypeScript and DOM, no framework and no npm plugins. The one local plugin serves
 * the shipped SST-2 model directory at `sst2/` (dev server) and copies its three files into `dist/sst2/` (build).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** The shipped model's directory and the files a model directory is read from. */
export const MODEL_DIR = fileURLToPath(new URL('../trainer/model/sst2/', import.meta.url));
// metrics.json is optional for the loader; serving it saves the page a 404.
const MODEL_FILES = ['config.json', 'vocab.json', 'model.safetensors', 'metrics.json'] as const;

function shippedModel(): Plugin {
  return {
    name: 'recurrent-shipped-model',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/sst2\/([^?]+)/.exec(req.url ?? '');
        const file = MODEL_FILES.find((f) => f === m?.[1]);
        if (file === undefined) return next();
        res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(readFileSync(MODEL_DIR + file));
      });
    },
    generateBundle() {
      for (const f of MODEL_FILES) this.emitFile({ type: 'asset', fileName: `sst2/${f}`, source: readFileSync(MODEL_DIR + f) });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [shippedModel()],
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
