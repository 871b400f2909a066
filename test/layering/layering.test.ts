/**
 * The layering rule, checked on the import statements of every source file:
 * kernels ← autograd ← ops ← tensor sugar, nn, optim ← trainer; packages meet only through their index.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const core = join(root, 'packages/nn-core/src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Import specifiers of a file (static `import … from` / `export … from` and dynamic `import()`). */
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push(m[1] ?? m[2]);
  }
  return out;
}

/** Package-relative target of a relative import, e.g. `ops/binary.ts`. */
function target(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return relative(core, resolve(dirname(file), spec));
}

function violations(dir: string, forbidden: (to: string) => boolean): string[] {
  return files(join(core, dir)).flatMap((f) =>
    imports(f)
      .map((s) => target(f, s))
      .filter((t): t is string => t !== null && forbidden(t))
      .map((t) => `${relative(core, f)} imports ${t}`),
  );
}

describe('layering', () => {
  // warnings.ts imports nothing: the kernel loader warns through it when it falls back to JavaScript.
  // The kernels' export types, generated from assembly/ by the build (build/kernels.d.ts): a type-only import, erased
  // from the compiled code.
  const KERNEL_TYPES = '../build/kernels.js';

  it('kernels import nothing of the package but other kernels, dtype, warnings and the generated kernel types', () => {
    expect(violations('kernels', (t) => !t.startsWith('kernels') && t !== 'dtype.js' && t !== 'warnings.js' && t !== KERNEL_TYPES)).toEqual([]);
    const typeImports = files(join(core, 'kernels')).filter((f) => imports(f).some((s) => target(f, s) === KERNEL_TYPES));
    expect(typeImports.map((f) => relative(core, f))).toEqual(['kernels/cpu/gemm_wasm.ts']);
    expect(readFileSync(typeImports[0], 'utf8')).toMatch(/^import type \* as Kernels from '\.\.\/\.\.\/\.\.\/build\/kernels\.js';$/m);
  });

  it('the reference cells call nothing: rnn_cells.ts imports only dtype (the table of cells picks WebAssembly)', () => {
    expect(imports(join(core, 'kernels/cpu/rnn_cells.ts'))).toEqual(['../../dtype.js']);
    expect(imports(join(core, 'kernels/cpu/rnn_cell_table.ts'))).toEqual(
      expect.arrayContaining(['./rnn_cells.js', './rnn_cells_wasm.js']),
    );
  });

  it('autograd imports no ops, nn, optim or io', () => {
    expect(violations('autograd', (t) => /^(ops|nn|optim|io)\b/.test(t) || t === 'tensor.js')).toEqual([]);
  });

  it('ops import no nn, optim, io or the tensor sugar', () => {
    expect(violations('ops', (t) => /^(nn|optim|io)\b/.test(t) || t === 'tensor.js')).toEqual([]);
  });

  it('nn and optim do not import each other backwards (optim → nn is allowed for Parameter only)', () => {
    expect(violations('nn', (t) => /^optim\b/.test(t))).toEqual([]);
  });

  it('packages import each other only through their index', () => {
    // Packages with sources (the private docs package has only a TypeDoc config).
    const pkgs = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'src')));
    expect(pkgs).toEqual(expect.arrayContaining(['nn-core', 'tokenizer', 'trainer']));
    const bad = pkgs.flatMap((p) => {
      const src = join(root, 'packages', p, 'src');
      return files(src).flatMap((f) =>
        imports(f)
          .filter((s) => /^@recurrent\/[^/]+\/./.test(s) || (s.startsWith('.') && !resolve(dirname(f), s).startsWith(src)))
          // (nn-core's kernels type their module with the declarations its build generates, a type-only import)
          .filter((s) => !(p === 'nn-core' && resolve(dirname(f), s) === join(root, 'packages/nn-core/build/kernels.js')))
          .map((s) => `${relative(root, f)} imports ${s}`),
      );
    });
    expect(bad).toEqual([]);
  });

  it('code that runs everywhere imports nothing from node: (only platform/node.ts and what it uses, and the CLI)', () => {
    const nodeOnly = /\/platform\/(node|atomic|atomic_files)\.ts$|\/trainer\/src\/cli\//;
    const bad = ['nn-core', 'tokenizer', 'trainer'].flatMap((p) =>
      files(join(root, 'packages', p, 'src'))
        .filter((f) => !nodeOnly.test(f))
        .flatMap((f) => imports(f).filter((s) => s.startsWith('node:')).map((s) => `${relative(root, f)} imports ${s}`)),
    );
    expect(bad).toEqual([]);
    // Not vacuous: the Node side of the platform does import node: modules.
    expect(imports(join(core, 'platform/node.ts'))).toContain('node:fs');
  });

  it('the checker sees imports (guards against a vacuous pass)', () => {
    expect(imports(join(core, 'ops/binary.ts'))).toContain('../kernels/cpu/broadcast.js');
  });
});
