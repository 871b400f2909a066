/**
 * No import cycles between source files: value imports (type-only imports are erased and cannot cycle at run
 * time) of every package's `src/`, tests excluded. The CPU kernel layer is left out of the check.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const kernels = join(root, 'packages/nn-core/src/kernels');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return p === kernels ? [] : files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Relative value imports of a file: `import … from`, `export … from` and `import()`, without type-only ones. */
function valueImports(src: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of src.matchAll(re)) {
    if (m[5] !== undefined) {
      out.push(m[5]);
      continue;
    }
    if (m[2] !== undefined) continue; // import type / export type
    const braces = /^\{([^}]*)\}$/.exec(m[3].trim());
    const names = braces === null ? null : braces[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (names !== null && names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    out.push(m[4]);
  }
  return out.filter((s) => s.startsWith('.'));
}

function resolveImport(from: string, spec: string): string | null {
  const p = resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
  if (existsSync(p) && statSync(p).isFile()) return p;
  const index = join(resolve(dirname(from), spec), 'index.ts');
  return existsSync(index) ? index : null;
}

/** Strongly connected components of more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.map((f) => relative(root, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph', () => {
  const sources = readdirSync(join(root, 'packages'))
    .map((p) => join(root, 'packages', p, 'src'))
    .filter((d) => existsSync(d))
    .flatMap(files);
  const graph = new Map(
    sources.map((f) => [
      f,
      valueImports(readFileSync(f, 'utf8'))
        .map((s) => resolveImport(f, s))
        .filter((t): t is string => t !== null && !t.startsWith(kernels)),
    ]),
  );

  it('has no cycles of value imports between files outside the kernel layer', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the checker sees imports and cycles (guards against a vacuous pass)', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(graph.get(join(root, 'packages/nn-core/src/ops/log_softmax.ts'))).toContain(join(root, 'packages/nn-core/src/autograd/define_op.ts'));
    expect(valueImports("import type { A } from './a.js';\nimport { type B } from './b.js';\nimport { c } from './c.js';")).toEqual(['./c.js']);
    const a = '/x/a.ts';
    const b = '/x/b.ts';
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toHaveLength(1);
  });
});
