import { describe, expect, it } from 'vitest';
import { trainingCurveSvg } from './chart.js';

describe('trainingCurveSvg', () => {
  it('draws one polyline per panel with one point per epoch, deterministic', () => {
    const pts = [
      { epoch: 1, trainLoss: 0.6, devAccuracy: 0.7 },
      { epoch: 2, trainLoss: 0.4, devAccuracy: 0.8 },
      { epoch: 3, trainLoss: 0.3, devAccuracy: 0.79 },
    ];
    const svg = trainingCurveSvg(pts, 'run <1>');
    expect(svg).toBe(trainingCurveSvg(pts, 'run <1>'));
    expect(svg.match(/<polyline /g)).toHaveLength(2); // loss and accuracy
    expect(svg.match(/<circle /g)).toHaveLength(6); // 3 epochs × 2 panels
    expect(svg).toContain('<title>run &lt;1&gt;</title>'); // escaped
    expect(svg).not.toMatch(/NaN|Infinity/);
    // The loss falls, so its last point is lower on the page (larger y) than its first.
    const loss = /<polyline points="([^"]+)"/.exec(svg)![1].split(' ').map((p) => Number(p.split(',')[1]));
    expect(loss[2]).toBeGreaterThan(loss[0]);
  });

  it('without a dev set the accuracy panel says so, and a single epoch still renders', () => {
    const svg = trainingCurveSvg([{ epoch: 1, trainLoss: 0.5, devAccuracy: null }]);
    expect(svg).toContain('no data');
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
