import { uniformFloat64 as uniformFloat } from 'pure-rand/distribution/uniformFloat64';
import { describe, expect, it } from 'vitest';
import { calibrationReport } from '#shared/domain/churn/calibration-report';
import { ChurnModelError } from '#shared/domain/churn/errors';
import { applyPlatt, fitPlatt } from '#shared/domain/churn/platt';
import { seededRandom } from '#shared/domain/scoring/split';

describe('calibrationReport', () => {
  it('gives the Brier score and equal-count bins of predicted vs observed', () => {
    const report = calibrationReport([0.1, 0.2, 0.8, 0.9], [0, 1, 1, 1], 2);
    expect(report.brier).toBeCloseTo((0.01 + 0.64 + 0.04 + 0.01) / 4, 12);
    expect(report.bins).toEqual([
      { meanPredicted: expect.closeTo(0.15, 12), observedRate: 0.5, rows: 2 },
      { meanPredicted: expect.closeTo(0.85, 12), observedRate: 1, rows: 2 },
    ]);
    expect(report.ece).toBeCloseTo(0.5 * 0.35 + 0.5 * 0.15, 12);
  });

  it('rejects empty or mismatched input', () => {
    expect(() => calibrationReport([], [])).toThrow(ChurnModelError);
    expect(() => calibrationReport([0.5], [1, 0])).toThrow(ChurnModelError);
  });
});

describe('fitPlatt', () => {
  it('recovers the slope and intercept of a logistic relation', () => {
    // y ~ Bernoulli(sigmoid(2s − 1)) over 20k scores: the fit should land near a = 2, b = −1.
    const rng = seededRandom(7);
    const scores: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = uniformFloat(rng) * 6 - 3;
      scores.push(s);
      labels.push(uniformFloat(rng) < 1 / (1 + Math.exp(-(2 * s - 1))) ? 1 : 0);
    }
    const platt = fitPlatt(scores, labels);
    expect(platt.a).toBeCloseTo(2, 1);
    expect(platt.b).toBeCloseTo(-1, 1);
    const report = calibrationReport(applyPlatt(platt, scores), labels);
    expect(report.ece).toBeLessThan(0.02);
  });

  it('turns over-confident scores into calibrated ones', () => {
    // Scores 4× too large: the raw sigmoid is badly calibrated, Platt's shrinks them back.
    const rng = seededRandom(11);
    const scores: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const z = uniformFloat(rng) * 4 - 2;
      scores.push(4 * z);
      labels.push(uniformFloat(rng) < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    }
    const raw = calibrationReport(
      scores.map((s) => 1 / (1 + Math.exp(-s))),
      labels,
    );
    const calibrated = calibrationReport(applyPlatt(fitPlatt(scores, labels), scores), labels);
    expect(calibrated.ece).toBeLessThan(0.03);
    expect(calibrated.ece).toBeLessThan(raw.ece / 3);
  });

  it('stays finite on separable scores and rejects a single class', () => {
    const platt = fitPlatt([-2, -1, 1, 2], [0, 0, 1, 1]);
    expect(Number.isFinite(platt.a) && Number.isFinite(platt.b)).toBe(true);
    expect(() => fitPlatt([1, 2], [1, 1])).toThrow(ChurnModelError);
  });
});
