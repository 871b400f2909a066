/**
 * The check-then-build mode the test setup runs (packages/nn-core/scripts/build-wasm.mjs --if-stale), on a copy of
 * the package's sources and builds in a temporary directory: fresh builds are left alone; an assembly source newer
 * than the builds triggers a build, so a kernel that does not compile fails the tests instead of staying green.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = join(import.meta.dirname, '../../packages/nn-core');
const dir = mkdtempSync(join(tmpdir(), 'kernels-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyPackage(): void {
  for (const sub of ['assembly', 'scripts', 'build']) cpSync(join(pkg, sub), join(dir, sub), { recursive: true, preserveTimestamps: true });
  symlinkSync(join(pkg, 'node_modules'), join(dir, 'node_modules'));
  // sources an hour old, builds now: fresh
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const sub of ['assembly', 'scripts']) for (const f of readdirSync(join(dir, sub))) utimesSync(join(dir, sub, f), hourAgo, hourAgo);
  const now = new Date();
  for (const f of readdirSync(join(dir, 'build'))) utimesSync(join(dir, 'build', f), now, now);
}

const run = () => spawnSync(process.execPath, [join(dir, 'scripts/build-wasm.mjs'), '--if-stale'], { encoding: 'utf8' });
const buildTimes = () => readdirSync(join(dir, 'build')).map((f) => statSync(join(dir, 'build', f)).mtimeMs);

describe('build-wasm.mjs --if-stale', () => {
  copyPackage();

  it('leaves the 4 builds and the generated kernel types alone when they are newer than every source', () => {
    const before = buildTimes();
    expect(before).toHaveLength(5); // kernels{,_relaxed}{,_shared}.wasm and kernels.d.ts
    const r = run();
    expect(r.status).toBe(0);
    expect(buildTimes()).toEqual(before);
  });

  it('builds when an assembly source is newer, and fails (exit code 1) on a source that does not compile', () => {
    writeFileSync(join(dir, 'assembly/index.ts'), "export { heapBase } from './sgemm';\nexport function broken(): i32 { return nope; }\n");
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nope/);
  });
});
