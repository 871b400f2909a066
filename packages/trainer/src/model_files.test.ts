/**
 * Models from memory and from URLs: the same validation and `ModelFormatError`s as a directory on disk, and the
 * same predictions. The URL cases are served by a local HTTP server on 127.0.0.1.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from './classifier.js';
import { ModelFormatError } from './errors.js';
import { readModelFrom } from './model_dir.js';
import { memorySource, type ModelSource } from './model_files.js';
import { DEFAULT_MODEL_DIR, SentimentClassifier } from './sentiment.js';
import { train } from './train.js';

const TEXTS = ['a gorgeous , witty , seductive movie .', 'a dull , lifeless mess', 'it is what it is'];
let disk: SentimentClassifier;
let server: Server;
let base: string;
const hung: { end(): void }[] = [];

async function rejection(p: Promise<unknown>): Promise<ModelFormatError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelFormatError);
  return err as ModelFormatError;
}

beforeAll(async () => {
  disk = await SentimentClassifier.load();
  const files: Record<string, Buffer> = {};
  for (const f of ['config.json', 'vocab.json', 'model.safetensors']) files[f] = await readFile(join(DEFAULT_MODEL_DIR, f));
  server = createServer((req, res) => {
    const [, dir, name] = (req.url ?? '').split('/');
    const body = files[name];
    if (dir === 'hang') {
      hung.push(res); // never answers
      return;
    }
    if (body === undefined || (dir === 'no-vocab' && name === 'vocab.json')) return void res.writeHead(404).end();
    if (dir === 'error') return void res.writeHead(500, 'Internal Server Error').end();
    if (dir === 'cut' && name === 'model.safetensors') {
      // Promises the whole file, sends half, then drops the connection.
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1));
      return void res.destroy();
    }
    if (dir === 'short' && name === 'model.safetensors') return void res.writeHead(200).end(body.subarray(0, 1000));
    res.writeHead(200).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const r of hung) r.end();
  await new Promise((done) => server.close(done));
});

describe('Classifier.fromFiles and toFiles', () => {
  it('round-trips the shipped model through memory: the same probabilities, bit for bit', async () => {
    const files = disk.toFiles();
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.json']);
    const again = await Classifier.fromFiles(files);
    expect(TEXTS.map((t) => again.predict(t))).toEqual(TEXTS.map((t) => disk.predict(t)));
  });

  it('names the missing or corrupt file, as the directory reader does', async () => {
    const { 'vocab.json': _, ...noVocab } = disk.toFiles();
    const missing = await rejection(Classifier.fromFiles(noVocab, 'upload'));
    expect([missing.code, missing.message]).toEqual(['missing-file', 'upload/vocab.json: the file does not exist']);
    const weights = disk.toFiles()['model.safetensors'] as Uint8Array;
    const cut = await rejection(Classifier.fromFiles({ ...disk.toFiles(), 'model.safetensors': weights.subarray(0, 100) }));
    expect(cut.code).toBe('bad-state');
    expect(cut.message).toMatch(/^memory\/model\.safetensors: cannot read the safetensors file/);
    const json = await rejection(Classifier.fromFiles({ ...disk.toFiles(), 'config.json': '{"formatVersion": 1,' }));
    expect([json.code, json.file]).toEqual(['bad-config', 'memory/config.json']);
  });
});

describe('readModelFrom', () => {
  it('asks for all 4 files at once (1 round trip, not 4) and reads the model only when they have come', async () => {
    const memory = memorySource(disk.toFiles(), 'gated');
    const started: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const source: ModelSource = {
      where: memory.where,
      async read(name) {
        started.push(name);
        await gate;
        return memory.read(name);
      },
    };
    const reading = readModelFrom(source);
    expect(started).toEqual(['config.json', 'vocab.json', 'model.safetensors', 'metrics.json']);
    release();
    const read = await reading;
    expect(read.pipeline.vocabSize).toBe(14817);
    expect(read.metrics).toBeNull();
  });

  it('reports the first file at fault in file order, whichever answers first', async () => {
    const source: ModelSource = {
      where: (name) => `slow/${name}`,
      async read(name) {
        if (name === 'config.json') return new Promise((resolve) => setTimeout(() => resolve(null), 20)); // missing, late
        throw new ModelFormatError('missing-file', `slow/${name}`, 'cannot fetch the file: refused'); // at once
      },
    };
    const err = await rejection(readModelFrom(source));
    expect(err.code).toBe('missing-file');
    expect(err.message).toMatch(/slow\/config\.json: the file does not exist/);
  });
});

describe('Classifier.fromTraining', () => {
  it('a model trained in memory goes to files and back with the same predictions, labels by display name', async () => {
    const examples = ['good fun', 'bad mess', 'fine film', 'dull film', 'great cast', 'awful plot'].map((text, i) => ({ text, label: i % 2 }));
    const result = await train({ train: examples, labelNames: { '0': 'neg', '1': 'pos' }, embeddingDim: 4, hiddenSize: 4, epochs: 1, seed: 1 });
    const trained = Classifier.fromTraining(result);
    expect(trained.labels).toEqual(['neg', 'pos']);
    const again = await Classifier.fromFiles(trained.toFiles());
    expect(TEXTS.map((t) => again.predict(t))).toEqual(TEXTS.map((t) => trained.predict(t)));
  });
});

describe('Classifier.load(url)', () => {
  it('loads a served model directory (with or without a final slash, string or URL): the same probabilities', async () => {
    for (const url of [`${base}/sst2`, `${base}/sst2/`, new URL(`${base}/sst2`)]) {
      const served = await Classifier.load(url);
      expect(TEXTS.map((t) => served.predict(t))).toEqual(TEXTS.map((t) => disk.predict(t)));
    }
  });

  it('a 404 is a missing file, another status an error naming the URL', async () => {
    const missing = await rejection(Classifier.load(`${base}/no-vocab`));
    expect([missing.code, missing.message]).toEqual(['missing-file', `${base}/no-vocab/vocab.json: the file does not exist`]);
    const error = await rejection(Classifier.load(`${base}/error`));
    expect(error.message).toBe(`${base}/error/config.json: the server answered HTTP 500 Internal Server Error`);
  });

  it('a body cut short is an error naming the URL, whether the server says so or not', async () => {
    const dropped = await rejection(Classifier.load(`${base}/cut`));
    expect(dropped.message).toMatch(new RegExp(`^${base}/cut/model\\.safetensors: cannot fetch the file: `));
    const short = await rejection(Classifier.load(`${base}/short`));
    expect(short.code).toBe('bad-state');
    expect(short.file).toBe(`${base}/short/model.safetensors`);
  });

  it('a server that never answers is an error after timeoutMs, not a hang', async () => {
    const t0 = performance.now();
    const err = await rejection(Classifier.load(`${base}/hang`, { timeoutMs: 300 }));
    expect(err.message).toBe(`${base}/hang/config.json: cannot fetch the file: no complete answer within 300 ms`);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
