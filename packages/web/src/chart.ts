/**
 * The live training chart: batch loss and the epoch's running training accuracy against the step, as two small
 * SVG panels with epoch boundaries. Plain SVG text, redrawn whole (a few hundred points at most is cheap).
 */

export interface StepPoint {
  globalStep: number;
  loss: number;
  /** Running training accuracy of the epoch so far, 0..1. */
  accuracy: number;
}

const W = 340;
const H = 190;
const M = { left: 44, right: 10, top: 24, bottom: 26 };

/** Two panels side by side (loss, accuracy) over steps 1..`totalSteps`, epoch boundaries every `stepsPerEpoch`. */
export function liveChartSvg(points: readonly StepPoint[], totalSteps: number, stepsPerEpoch: number): string {
  const loss = points.map((p) => [p.globalStep, p.loss] as const);
  const acc = points.map((p) => [p.globalStep, p.accuracy * 100] as const);
  const maxLoss = Math.max(1e-6, ...loss.map(([, v]) => v));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${2 * W} ${H}" role="img" aria-label="training loss and accuracy">`,
    panel(0, 'training loss (per batch)', loss, [0, maxLoss * 1.05], totalSteps, stepsPerEpoch, '#2563eb', (v) => v.toFixed(2)),
    panel(W, 'training accuracy (%, epoch so far)', acc, [0, 100], totalSteps, stepsPerEpoch, '#dc2626', (v) => v.toFixed(0)),
    '</svg>',
  ].join('');
}

function panel(
  x0: number,
  title: string,
  data: readonly (readonly [number, number])[],
  [yMin, yMax]: [number, number],
  totalSteps: number,
  stepsPerEpoch: number,
  color: string,
  fmt: (v: number) => string,
): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number): number => M.left + (totalSteps <= 1 ? 0 : ((x - 1) / (totalSteps - 1)) * pw);
  const sy = (y: number): number => M.top + ph - ((y - yMin) / (yMax - yMin || 1)) * ph;
  const out = [`<g transform="translate(${x0},0)" font-size="11" fill="#475569">`, `<text x="${M.left}" y="14" font-weight="600" fill="#0f172a">${title}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = yMin + ((yMax - yMin) * k) / 4;
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" stroke="#e2e8f0"/>`, `<text x="${M.left - 6}" y="${y}" dy="4" text-anchor="end">${fmt(v)}</text>`);
  }
  const epochs = Math.round(totalSteps / Math.max(1, stepsPerEpoch));
  for (let e = 1; e <= epochs; e++) {
    const x = sx(Math.min(totalSteps, e * stepsPerEpoch)).toFixed(1);
    if (e < epochs) out.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + ph}" stroke="#cbd5e1" stroke-dasharray="3 3"/>`);
    const label = epochs <= 4 ? `epoch ${e}` : e === 1 ? 'epoch 1' : String(e); // short labels when many
    out.push(`<text x="${sx((e - 0.5) * stepsPerEpoch + 0.5).toFixed(1)}" y="${H - 8}" text-anchor="middle">${label}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#94a3b8"/>`);
  if (data.length > 0) {
    const d = data.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6" stroke-linejoin="round"/>`);
  }
  out.push('</g>');
  return out.join('');
}
