/** Text formatting for the CLI's human-readable output (numbers, durations, tables). */
import type { Metrics } from '../metrics.js';

/** 0.84632 → '84.63%'. */
export const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(2)}%`);

/** 12345.6 → '12,346'. */
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Seconds → '42.1s', '3m07s', '1h02m'. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Rows of cells as left-aligned (first column) and right-aligned (the rest) columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

/** The human-readable report of `pnpm eval`: headline, per-class table, confusion matrix. */
export function metricsReport(m: Metrics, title: string): string {
  const perClass = table([
    ['label', 'precision', 'recall', 'F1', 'support'],
    ...m.perClass.map((c) => [c.label, pct(c.precision), pct(c.recall), pct(c.f1), String(c.support)]),
  ]);
  const confusion = table([['true \\ predicted', ...m.labels], ...m.labels.map((l, i) => [l, ...m.confusion[i].map(String)])]);
  return [
    title,
    `  accuracy  ${pct(m.accuracy)}   (${m.n} examples)`,
    `  macro-F1  ${pct(m.macroF1)}`,
    '',
    'per class:',
    perClass,
    '',
    'confusion matrix (rows: true label, columns: predicted):',
    confusion,
    '',
  ].join('\n');
}
