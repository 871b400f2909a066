// Small helpers shared by the notebook-style scripts: shape formatting, cell headings and checked claims.
import type { Tensor } from '@recurrent/nn-core';

/** `[2, 3]` for a tensor of shape (2, 3). */
export const fmt = (t: Tensor): string => `[${t.shape.join(', ')}]`;

/** Prints a notebook-cell heading. */
export const cell = (title: string): void => console.log(`\n## ${title}`);

/** Largest absolute elementwise difference of two tensors of one shape. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** States a claim; throws (so the script exits non-zero) when it does not hold. */
export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`check failed: ${what}`);
  console.log(`ok: ${what}`);
}
