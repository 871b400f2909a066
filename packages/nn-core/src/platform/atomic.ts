import { randomUUID } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that readers see either the old file or the complete new one, never a
 * partial write: the bytes go to a fresh temp file in the same directory (same file system, so the
 * rename is atomic), are fsynced, and the temp file is renamed over `path`; then the directory is
 * fsynced so the rename itself survives a crash. On any error the temp file is removed and `path`
 * is left as it was.
 *
 * The new file gets the default mode (0o666 less the umask); an existing file's mode and owner are
 * not carried over.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  // 'wx' fails rather than clobbering if the name is taken; the UUID makes that practically impossible.
  const tmp = join(dir, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await open(tmp, 'wx');
  let closed = false;
  try {
    await handle.writeFile(data);
    await handle.sync();
    closed = true;
    await handle.close();
    await rename(tmp, path);
  } catch (err) {
    if (!closed) await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/** fsync of a directory, so a rename in it is durable. Skipped where the platform cannot do it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (err) {
    if (isUnsupported(err)) return;
    throw err;
  }
  try {
    await handle.sync();
  } catch (err) {
    if (!isUnsupported(err)) throw err;
  } finally {
    await handle.close();
  }
}

/** Error codes of platforms (Windows, some network file systems) that cannot open or fsync a directory. */
function isUnsupported(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EACCES' || code === 'EINVAL' || code === 'ENOTSUP';
}
