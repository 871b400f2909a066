/**
 * The training-curve picture of a model directory: two small SVG line charts side by side, training loss and
 * dev accuracy per epoch.
 *
 * Written by hand rather than with a chart library: vega/vega-lite would pull in a large dependency tree
 * (d3 modules, canvas bindings for PNG) for two polylines, and the output here is a few kilobytes of plain,
 * deterministic SVG that any browser or image viewer renders and that diffs cleanly in review.
 */

export interface CurvePoint {
  epoch: number;
  trainLoss: number;
  /** null when there is no dev set. */
  devAccuracy: number | null;
}

const W = 360; // one panel
const H = 240;
const M = { left: 52, right: 16, top: 28, bottom: 40 };

/** An SVG document with the loss and dev-accuracy curves. */
export function trainingCurveSvg(points: readonly CurvePoint[], title = 'training curve'): string {
  const loss = points.map((p) => [p.epoch, p.trainLoss] as const).filter(([, v]) => Number.isFinite(v));
  const acc = points.filter((p) => p.devAccuracy !== null).map((p) => [p.epoch, (p.devAccuracy as number) * 100] as const);
  const body = [
    panel(0, 'train loss', loss, '#1f77b4', (v) => v.toFixed(3)),
    panel(W, 'dev accuracy (%)', acc, '#d62728', (v) => v.toFixed(1)),
  ].join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 20}" viewBox="0 0 ${2 * W} ${H + 20}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    body,
    `<text x="${W}" y="${H + 14}" text-anchor="middle" fill="#444">${escapeXml(title)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function panel(x0: number, label: string, data: readonly (readonly [number, number])[], color: string, fmt: (v: number) => string): string {
  const out: string[] = [`<g transform="translate(${x0},0)">`, `<text x="${W / 2}" y="16" text-anchor="middle" font-weight="bold">${label}</text>`];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  if (data.length === 0) {
    out.push(`<text x="${M.left + pw / 2}" y="${M.top + ph / 2}" text-anchor="middle" fill="#888">no data</text>`, '</g>');
    return out.join('\n');
  }
  const xs = data.map(([x]) => x);
  const ys = data.map(([, y]) => y);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  let [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const pad = (yMax - yMin) * 0.08;
  [yMin, yMax] = [yMin - pad, yMax + pad];
  const sx = (x: number): number => M.left + (xMax === xMin ? pw / 2 : ((x - xMin) / (xMax - xMin)) * pw);
  const sy = (y: number): number => M.top + ph - ((y - yMin) / (yMax - yMin)) * ph;
  for (let k = 0; k <= 4; k++) {
    const v = yMin + ((yMax - yMin) * k) / 4;
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${fmt(v)}</text>`);
  }
  const ticks = [...new Set(xs)];
  const every = Math.max(1, Math.ceil(ticks.length / 10));
  ticks.forEach((x, i) => {
    if (i % every === 0) out.push(`<text x="${sx(x).toFixed(1)}" y="${M.top + ph + 14}" text-anchor="middle" fill="#444">${x}</text>`);
  });
  out.push(`<text x="${M.left + pw / 2}" y="${M.top + ph + 30}" text-anchor="middle" fill="#444">epoch</text>`);
  const pts = data.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
  out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
  for (const p of pts) {
    const [cx, cy] = p.split(',');
    out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
  }
  out.push('</g>');
  return out.join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}
