import { describe, expect, it } from 'vitest';
import { liveChartSvg } from './chart.js';

describe('liveChartSvg', () => {
  it('draws one loss and one accuracy line through every point, with epoch boundaries', () => {
    const points = [1, 2, 3, 4, 5, 6].map((s) => ({ globalStep: s, loss: 1 / s, accuracy: s / 6 }));
    const svg = liveChartSvg(points, 6, 2);
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    for (const d of paths) expect(d.match(/[ML]/g)).toHaveLength(6);
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(4); // 2 boundaries (between 3 epochs) × 2 panels
    // Loss: the first point (the largest loss) is at the top of the plot, the last one lower down.
    const ys = paths[0].split(/[ML]/).filter(Boolean).map((p) => Number(p.split(',')[1]));
    expect(ys[0]).toBeLessThan(ys[5]);
  });

  it('draws the frame without lines before the first batch', () => {
    expect(liveChartSvg([], 10, 5)).not.toContain('<path');
  });
});
