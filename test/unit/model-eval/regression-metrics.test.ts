import { describe, expect, it } from 'vitest';
import { ModelEvalError } from '#shared/domain/model-eval/errors';
import {
  averageRanks,
  quantileCoverage,
  rSquared,
  spearman,
  topFractionCapture,
} from '#shared/domain/model-eval/regression-metrics';

describe('rSquared', () => {
  it('is 1 − SS_res / SS_tot around the actuals mean', () => {
    // actual mean 2; SS_tot = 1 + 0 + 1 = 2; SS_res = 0.25 + 0 + 0.25 = 0.5.
    expect(rSquared([1.5, 2, 2.5], [1, 2, 3])).toBeCloseTo(0.75, 12);
  });

  it('is 0 for predicting the mean and negative for worse', () => {
    expect(rSquared([2, 2, 2], [1, 2, 3])).toBe(0);
    expect(rSquared([3, 2, 1], [1, 2, 3])).toBeCloseTo(-3, 12);
  });

  it('is NaN for constant actuals and rejects mismatched or non-finite input', () => {
    expect(rSquared([1, 2], [5, 5])).toBeNaN();
    expect(() => rSquared([1], [1, 2])).toThrow(ModelEvalError);
    expect(() => rSquared([Number.NaN], [1])).toThrow(ModelEvalError);
  });
});

describe('spearman', () => {
  it('averages the ranks of ties', () => {
    expect(Array.from(averageRanks([10, 0, 0, 5]))).toEqual([4, 1.5, 1.5, 3]);
  });

  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12);
    expect(spearman([4, 3, 2, 1], [1, 10, 100, 1000])).toBeCloseTo(-1, 12);
  });

  it('matches a hand computation with ties', () => {
    // ranks x = [1, 2, 3, 4], y = [1.5, 1.5, 3, 4]; Pearson of those = 4.5 / sqrt(5 · 4.5).
    expect(spearman([1, 2, 3, 4], [0, 0, 7, 9])).toBeCloseTo(4.5 / Math.sqrt(5 * 4.5), 12);
  });
});

describe('topFractionCapture', () => {
  it('is the share of the total held by the top ceil(fraction × n) predictions', () => {
    const predicted = [0.9, 0.1, 0.5, 0.8, 0.2, 0.3, 0.4, 0.6, 0.7, 0.05, 0.01];
    const actual = [50, 0, 10, 5, 0, 0, 0, 10, 25, 0, 0];
    // n = 11 → top 2: rows 0 (50) and 3 (5) of a total of 100.
    expect(topFractionCapture(predicted, actual, 0.1)).toBeCloseTo(0.55, 12);
    expect(topFractionCapture(predicted, actual, 1)).toBe(1);
  });

  it('breaks prediction ties by row order and is NaN when nothing was spent', () => {
    expect(topFractionCapture([1, 1], [0, 4], 0.5)).toBe(0);
    expect(topFractionCapture([1, 2], [0, 0])).toBeNaN();
    expect(() => topFractionCapture([1], [1], 0)).toThrow(ModelEvalError);
  });
});

describe('quantileCoverage', () => {
  it('counts actuals below the quantile, ties one half', () => {
    expect(quantileCoverage([5, 5, 5, 0], [1, 5, 9, 0])).toBeCloseTo((1 + 0.5 + 0 + 0.5) / 4, 12);
  });
});
