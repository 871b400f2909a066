/**
 * The atomic multi-file commit of a model directory in Node.js (see `checkpoint.ts` for the layout and why): fsynced
 * temporary files, a journal as the commit point, renames, and the recovery of an interrupted commit.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@recurrent/nn-core';
import { ModelFormatError } from '../errors.js';
import { MODEL_FILES, type FileContents } from '../layout.js';

/** The journal of a committed save whose renames may be unfinished: `{ "renames": [[temporary, name], ...] }`. */
const JOURNAL = '.checkpoint-commit.json';
const TEMPORARY = /^\.[^/\\]+\.tmp$/;

/**
 * Writes several files of `dir` as one atomic step. Each file goes to a fsynced temporary file; then a journal
 * listing the renames is written atomically — the commit point — and the renames are done, and the journal
 * removed. A crash before the commit leaves the old files (the stray temporary files are removed by the next
 * save); a crash after it is rolled forward by `recoverCheckpoint`, which the loaders call first.
 * A reader running while a save renames its files may still see a mix; readers after a crash never do.
 */
export async function writeFilesAtomic(dir: string, files: FileContents): Promise<void> {
  await mkdir(dir, { recursive: true });
  await recoverCheckpoint(dir);
  for (const name of await readdir(dir)) if (TEMPORARY.test(name)) await unlink(join(dir, name)).catch(ignoreMissing);
  const renames: [string, string][] = [];
  for (const [name, data] of Object.entries(files)) {
    const tmp = `.${name}.${randomUUID()}.tmp`;
    const handle = await open(join(dir, tmp), 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    renames.push([tmp, name]);
  }
  await writeFileAtomic(join(dir, JOURNAL), JSON.stringify({ renames }));
  await applyRenames(dir, renames);
}

/**
 * Finishes a save that was committed but interrupted before all its files were renamed into place (a no-op when
 * there is none). Journal entries are checked: only the model directory's own file names, no paths.
 */
export async function recoverCheckpoint(dir: string): Promise<void> {
  const file = join(dir, JOURNAL);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw err;
  }
  let renames: unknown;
  try {
    renames = (JSON.parse(text) as { renames?: unknown }).renames;
  } catch {
    renames = null;
  }
  const names: readonly string[] = Object.values(MODEL_FILES);
  const valid =
    Array.isArray(renames) &&
    renames.every((r) => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && TEMPORARY.test(r[0]) && names.includes(r[1] as string));
  if (!valid) throw new ModelFormatError('bad-state', file, 'the journal of an interrupted save is not a list of [temporary file, model file] pairs');
  await applyRenames(dir, renames as [string, string][]);
}

async function applyRenames(dir: string, renames: readonly [string, string][]): Promise<void> {
  for (const [tmp, name] of renames) await rename(join(dir, tmp), join(dir, name)).catch(ignoreMissing); // missing: already renamed
  await syncDirectory(dir);
  await unlink(join(dir, JOURNAL)).catch(ignoreMissing);
  await syncDirectory(dir);
}

function ignoreMissing(err: unknown): void {
  if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
}

/** fsync of a directory so renames in it are durable; skipped where the platform cannot (as in `writeFileAtomic`). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (handle === null) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
