/**
 * What the page's browser tests and the screenshot script share: the static build (Vite's programmatic API), a
 * static file server on 127.0.0.1, and Debian's Chromium driven by playwright-core (never a downloaded browser).
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import type { TrainSettings } from '../src/protocol.js';

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');
export const CHROMIUM = '/usr/bin/chromium';

/** Builds the page into packages/web/dist (as `pnpm web:build`); returns the directory. */
export async function buildPage(): Promise<string> {
  await build({ configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'error' });
  return DIST_DIR;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * Serves `dir` over HTTP on 127.0.0.1 at a free port. Each file is read once and then served from memory, as a
 * static file server serves from the page cache (this server shares its process with the browser's driver, and
 * reading the 4 MB model at every request made the page wait for the server); responses are `no-store`, so every
 * page load still downloads every file. `types` overrides the Content-Type of some extensions (`{ '.wasm': … }`).
 */
export async function serveDir(dir: string, options: { types?: Record<string, string> } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const types = { ...TYPES, ...options.types };
  const cache = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let file = join(dir, path);
    if (!file.startsWith(dir + sep) && file !== dir) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = cache.get(file) ?? readFileSync(file);
      cache.set(file, body);
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headless Chromium with a fresh profile; `close` also removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'recurrent-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 900, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 120_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Fills the page's training settings and clicks Train (the data must be loaded). */
export async function startTraining(page: Page, s: TrainSettings): Promise<void> {
  const fields: [string, number][] = [['#epochs', s.epochs], ['#embedding-dim', s.embeddingDim], ['#hidden-size', s.hiddenSize], ['#batch-size', s.batchSize], ['#lr', s.lr]];
  for (const [id, v] of fields) await page.fill(id, String(v));
  await page.click('#train');
}

/**
 * Bundles `entry` for the browser with esbuild (no plugins): its errors, e.g. an unresolvable `node:` module, reject.
 * Returns esbuild's warnings.
 */
export async function bundleWithEsbuild(entry: string, outdir: string): Promise<string[]> {
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', outdir, logLevel: 'silent' });
  return result.warnings.map((w) => w.text);
}

/** Builds the app whose index.html is in `root` with Vite (no config, no plugins); returns Vite's warnings. */
export async function buildAppWithVite(root: string): Promise<string[]> {
  const warnings: string[] = [];
  const logger = {
    info: () => undefined,
    warn: (msg: string) => void warnings.push(msg),
    warnOnce: (msg: string) => void warnings.push(msg),
    error: (msg: string) => void warnings.push(msg),
    clearScreen: () => undefined,
    hasErrorLogged: () => false,
    hasWarned: false,
  };
  await build({ root, configFile: false, logLevel: 'warn', customLogger: logger, build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' } });
  return warnings;
}
