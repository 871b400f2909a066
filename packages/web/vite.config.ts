/**
 * Vite config of the page: plain TypeScript and DOM, no framework and no npm plugins. The local plugins: one serves
 * the shipped SST-2 model directory at `sst2/` (dev server), copies its files into `dist/sst2/` (build) and preloads
 * them from index.html; the other preloads the WebAssembly kernels.
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
    // The files start downloading with the page, before its script asks for them; the preloads come after the
    // page's script tag, so that the script (needed first) is asked for first.
    transformIndexHtml: {
      order: 'post',
      handler: () => MODEL_FILES.map((f) => ({ tag: 'link', attrs: { rel: 'preload', href: `sst2/${f}`, as: 'fetch', crossorigin: true }, injectTo: 'head' as const })),
    },
  };
}

/**
 * Preloads the relaxed-SIMD kernels from index.html, so that they download with the page and compile as soon as
 * the script asks for them (`kernelsReady`). Build only: the emitted file's name carries a hash.
 */
function preloadKernels(): Plugin {
  return {
    name: 'recurrent-preload-kernels',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const wasm = Object.keys(ctx.bundle ?? {}).find((f) => /(^|\/)kernels_relaxed-[^/]*\.wasm$/.test(f));
        if (wasm === undefined) return [];
        return [{ tag: 'link', attrs: { rel: 'preload', href: `./${wasm}`, as: 'fetch', type: 'application/wasm', crossorigin: true }, injectTo: 'head' }];
      },
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [preloadKernels(), shippedModel()],
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
